// The thin layer every kernel goes through: cached pipelines, one command encoder and compute pass
// per batch of work (dispatches are recorded, then submitted together by flush()), a uniform arena
// for small per-dispatch parameters, f32 tensors, a buffer pool and readbacks that never hang on a lost device.
import { assertAlive, unlessLost, type Gpu } from './gpu.ts';

/** An f32 tensor on the GPU, row-major, starting at byte 0 of its buffer. */
export interface Tensor {
  buffer: GPUBuffer;
  shape: number[];
}

export type Params = ArrayBuffer | ArrayBufferView;
export type Binding = GPUBuffer | GPUBufferBinding | Tensor;

const STORAGE = GPUBufferUsageFlagsStorage();
const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment is at most 256
const ARENA_BYTES = 64 * 1024;
/** Bind groups kept for reuse; the cache is emptied when it reaches this size. */
const BIND_GROUP_CACHE = 4096;

interface UniformArena {
  data: Uint8Array;
  used: number;
  buffer: GPUBuffer;
}

function GPUBufferUsageFlagsStorage(): number {
  // GPUBufferUsage is a global in browsers and after `Object.assign(globalThis, globals)` in Node;
  // the numbers are fixed by the spec, so use them directly to stay import-order independent.
  return 0x80 /* STORAGE */ | 0x08 /* COPY_DST */ | 0x04 /* COPY_SRC */;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class Runtime {
  readonly device: GPUDevice;
  /** by shader code, then by entry point and constants: the code (a long string) is never copied into a key */
  private readonly pipelines = new Map<string, Map<string, GPUComputePipeline>>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** uniform arenas of the batch being recorded (more are added when one fills up), reused after each flush */
  private readonly arenas: UniformArena[] = [];
  private arenaIndex = 0;
  /** free buffers by (bucketed) size, each with the pool generation it was released in */
  private readonly pool = new Map<number, { buffer: GPUBuffer; generation: number }[]>();
  private generation = 0;
  /**
   * Bind groups by pipeline and exact resources (buffer, offset, size of every binding, the uniform's arena slot
   * included). A training or decode step records the same dispatches as the step before it, with the same pooled
   * buffers and arena slots, so most of its bind groups are found here instead of created again (on software
   * adapters creating one costs more than recording the dispatch).
   */
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** dispatches recorded since creation, for benchmarks */
  dispatchCount = 0;
  /** command buffers submitted since creation, for benchmarks */
  submitCount = 0;
  /** read-backs (buffer maps) since creation, for benchmarks */
  readCount = 0;
  /** bytes read back since creation, for benchmarks */
  readBytes = 0;

  constructor(readonly gpu: Gpu) {
    this.device = gpu.device;
  }

  /** A compute pipeline for `code`, compiled once. `constants` are WGSL `override`s. */
  pipeline(code: string, entryPoint = 'main', constants: Record<string, number> = {}): GPUComputePipeline {
    let byVariant = this.pipelines.get(code);
    if (!byVariant) {
      byVariant = new Map();
      this.pipelines.set(code, byVariant);
    }
    const key = `${entryPoint}|${JSON.stringify(constants)}`;
    let pipeline = byVariant.get(key);
    if (!pipeline) {
      let module = this.modules.get(code);
      if (!module) {
        module = this.device.createShaderModule({ code });
        this.modules.set(code, module);
      }
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint, constants } });
      byVariant.set(key, pipeline);
    }
    return pipeline;
  }

  /**
   * Records one dispatch. Bindings of group 0: `params` (a uniform) at binding 0 when given,
   * then `buffers` at bindings 1, 2, ... in order. Without params, buffers start at binding 0.
   */
  dispatch(pipeline: GPUComputePipeline, buffers: Binding[], workgroups: [number, number?, number?], params?: Params): void {
    assertAlive(this.gpu);
    const entries: GPUBindGroupEntry[] = [];
    if (params) entries.push({ binding: 0, resource: this.uniform(params) });
    const first = params ? 1 : 0;
    buffers.forEach((b, i) => entries.push({ binding: first + i, resource: asBinding(b) }));
    const bindGroup = this.bindGroup(pipeline, entries);
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = workgroups;
    const max = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new Error(`dispatch of [${x}, ${y}, ${z}] workgroups exceeds maxComputeWorkgroupsPerDimension ${max}`);
    if (x > 0 && y > 0 && z > 0) pass.dispatchWorkgroups(x, y, z);
    this.dispatchCount++;
  }

  /** Records a buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.endPass();
    if (!this.encoder) return;
    // queue order: these writes land after the work submitted earlier read the arenas, before this batch runs
    for (const arena of this.arenas) {
      if (arena.used > 0) this.device.queue.writeBuffer(arena.buffer, 0, arena.data, 0, arena.used);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.submitCount++;
    this.encoder = null;
    for (const arena of this.arenas) arena.used = 0;
    this.arenaIndex = 0;
  }

  /** Waits until the GPU has finished all submitted work. */
  async sync(): Promise<void> {
    this.flush();
    await unlessLost(this.gpu, this.device.queue.onSubmittedWorkDone());
  }

  // ---- buffers and tensors ----

  /**
   * A storage buffer (STORAGE | COPY_SRC | COPY_DST) of at least `bytes`, from the pool when one of its size
   * bucket is free. Sizes are rounded up to a bucket (see bucketSize), so shapes that differ a little (padded
   * lengths of successive batches) reuse each other's buffers.
   */
  buffer(bytes: number): GPUBuffer {
    const size = bucketSize(bytes, this.gpu.limits.maxStorageBufferBindingSize);
    const free = this.pool.get(size);
    if (free && free.length > 0) return free.pop()!.buffer;
    return this.device.createBuffer({ size, usage: STORAGE });
  }

  /** Returns a buffer to the pool. Safe with pending work: the pool only hands it to work recorded later. */
  release(b: GPUBuffer | Tensor): void {
    const buffer = 'buffer' in b && 'shape' in b ? b.buffer : (b as GPUBuffer);
    const list = this.pool.get(buffer.size) ?? [];
    list.push({ buffer, generation: this.generation });
    this.pool.set(buffer.size, list);
  }

  /** Free buffers held by the pool. */
  get pooledBuffers(): number {
    let n = 0;
    for (const list of this.pool.values()) n += list.length;
    return n;
  }

  /**
   * A step boundary (the training loop calls it after every optimizer step): frees the pooled buffers that
   * stayed unused since the previous boundary, so a shape that does not come back stops holding memory.
   */
  trimIdle(): void {
    this.generation++;
    for (const [size, list] of this.pool) {
      const kept = list.filter((e) => this.generation - e.generation <= 1);
      for (const e of list) if (this.generation - e.generation > 1) e.buffer.destroy();
      if (kept.length > 0) this.pool.set(size, kept);
      else this.pool.delete(size);
    }
  }

  /** Frees every pooled buffer. */
  trimPool(): void {
    for (const list of this.pool.values()) for (const e of list) e.buffer.destroy();
    this.pool.clear();
  }

  tensor(shape: number[], data?: Float32Array): Tensor {
    const t = { buffer: this.buffer(numel(shape) * 4), shape: [...shape] };
    if (data) this.write(t.buffer, data);
    return t;
  }

  /** A tensor of zeros. */
  zeros(shape: number[]): Tensor {
    const t = { buffer: this.buffer(numel(shape) * 4), shape: [...shape] };
    this.fill(t.buffer, 0, numel(shape) * 4);
    return t;
  }

  fill(buffer: GPUBuffer, offset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buffer, offset, Math.ceil(bytes / 4) * 4);
  }

  /** Writes data at once (queue order: before any work not yet flushed). Flushes recorded work first to keep order. */
  write(buffer: GPUBuffer, data: ArrayBufferView | ArrayBuffer, offset = 0): void {
    this.flush();
    const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const aligned = view.byteLength % 4 === 0 ? view : padTo4(view);
    this.device.queue.writeBuffer(buffer, offset, aligned as Uint8Array<ArrayBuffer>);
  }

  /** Reads `bytes` bytes of `buffer` from `offset` back to the CPU (flushes first). */
  async read(buffer: GPUBuffer, bytes = buffer.size, offset = 0): Promise<ArrayBuffer> {
    const size = Math.ceil(bytes / 4) * 4;
    this.readCount++;
    this.readBytes += size;
    const staging = this.device.createBuffer({ size, usage: 0x01 /* MAP_READ */ | 0x08 /* COPY_DST */ });
    this.copy(buffer, offset, staging, 0, size);
    this.flush();
    try {
      await unlessLost(this.gpu, staging.mapAsync(0x01 /* GPUMapMode.READ */));
      return staging.getMappedRange().slice(0, bytes);
    } finally {
      staging.destroy();
    }
  }

  async readTensor(t: Tensor): Promise<Float32Array> {
    return new Float32Array(await this.read(t.buffer, numel(t.shape) * 4));
  }

  // ---- internals ----

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** The bind group of these entries for this pipeline, from the cache or created (and cached). */
  private bindGroup(pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[]): GPUBindGroup {
    let key = String(this.idOf(pipeline));
    for (const e of entries) {
      const r = e.resource as GPUBufferBinding;
      key += `|${this.idOf(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      if (this.bindGroups.size >= BIND_GROUP_CACHE) this.bindGroups.clear();
      this.bindGroups.set(key, group);
    }
    return group;
  }

  private uniform(params: Params): GPUBufferBinding {
    const bytes = ArrayBuffer.isView(params) ? new Uint8Array(params.buffer, params.byteOffset, params.byteLength) : new Uint8Array(params);
    const slot = Math.max(UNIFORM_SLOT, Math.ceil(bytes.byteLength / UNIFORM_SLOT) * UNIFORM_SLOT);
    let arena = this.arenas[this.arenaIndex];
    while (arena && arena.used + slot > arena.data.byteLength) arena = this.arenas[++this.arenaIndex];
    if (!arena) {
      const size = Math.max(ARENA_BYTES, slot);
      arena = { data: new Uint8Array(size), used: 0, buffer: this.device.createBuffer({ size, usage: 0x40 /* UNIFORM */ | 0x08 /* COPY_DST */ }) };
      this.arenas.push(arena);
    }
    const offset = arena.used;
    arena.data.set(bytes, offset);
    arena.used = offset + slot;
    return { buffer: arena.buffer, offset, size: Math.max(16, Math.ceil(bytes.byteLength / 16) * 16) };
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}

/**
 * Pool size buckets: 256 bytes at least, then four per octave (1, 1.25, 1.5, 1.75 × 2^k), so at most 25% of a
 * buffer is slack. A size the binding limit allows is never rounded past it.
 */
export function bucketSize(bytes: number, bindingLimit: number): number {
  const exact = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (exact <= 256) return 256;
  const octave = 2 ** Math.floor(Math.log2(exact));
  const bucket = Math.ceil(exact / (octave / 4)) * (octave / 4);
  return bucket > bindingLimit && exact <= bindingLimit ? exact : bucket;
}

function asBinding(b: Binding): GPUBufferBinding {
  if ('shape' in b && 'buffer' in b) return { buffer: b.buffer, offset: 0, size: numel(b.shape) * 4 || 4 };
  if ('buffer' in b) return b as GPUBufferBinding;
  return { buffer: b as GPUBuffer };
}

function padTo4(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(view.byteLength / 4) * 4);
  out.set(view);
  return out;
}
