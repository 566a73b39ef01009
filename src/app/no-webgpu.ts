// <no-webgpu>: the page a browser without WebGPU gets instead of the lab: what is missing, and how to get it.
import { LitElement, css, html } from 'lit';

/** Why WebGPU is unavailable here, or null when an adapter was found. Asks for an adapter only (no device). */
export async function webGpuProblem(): Promise<string | null> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return window.isSecureContext
      ? 'This browser does not offer WebGPU (navigator.gpu is missing).'
      : 'WebGPU is only offered on secure pages (https:// or http://localhost); this page was opened over plain http.';
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? null : 'The browser offers WebGPU but found no usable GPU adapter (it may be blocked for this GPU or driver).';
  } catch (error) {
    return `Asking for a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export class NoWebGpu extends LitElement {
  static override properties = { reason: {} };
  declare reason: string;

  constructor() {
    super();
    this.reason = '';
  }

  static override styles = css`
    :host { display: block; max-width: 48rem; margin: 2rem auto; padding: 1.2rem 1.5rem; border: 3px solid #D55E00; border-radius: 10px; background: #fff; font-size: 1.1rem; line-height: 1.55; }
    h2 { margin-top: 0; }
    code { background: #f2f2f2; padding: 0 0.25rem; }
    li { margin: 0.3rem 0; }
  `;

  override render() {
    return html`
      <h2>This lab needs WebGPU</h2>
      <p role="alert">${this.reason}</p>
      <p>The model trains on your own GPU through WebGPU, so nothing is sent to a server. It works in:</p>
      <ul>
        <li><strong>Chrome or Edge 113 or newer</strong> on Windows, macOS and ChromeOS: on by default.</li>
        <li><strong>Chrome on Linux</strong>: open <code>chrome://flags/#enable-unsafe-webgpu</code>, enable it and restart
          (and <code>chrome://flags/#enable-vulkan</code> on some drivers). Without a GPU, start Chrome with
          <code>--enable-unsafe-webgpu</code> to use its software adapter (slow, but everything works).</li>
        <li><strong>Chrome on Android 121 or newer</strong> (Android 12+, Qualcomm or ARM GPUs).</li>
        <li><strong>Safari 26</strong> on macOS, iOS and iPadOS: on by default (Safari 18: Develop → Feature Flags → WebGPU).</li>
        <li><strong>Firefox 141 or newer</strong> on Windows: on by default; elsewhere set <code>dom.webgpu.enabled</code> to true in <code>about:config</code> (Nightly).</li>
      </ul>
      <p>Check <code>chrome://gpu</code> (or your browser's equivalent) for "WebGPU: Hardware accelerated". The command line
        (<code>npx sai-dpo run</code>) runs the same experiments in Node without a browser.</p>
    `;
  }
}

customElements.define('no-webgpu', NoWebGpu);
declare global {
  interface HTMLElementTagNameMap { 'no-webgpu': NoWebGpu }
}
