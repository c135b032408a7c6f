// A small built-in synthesizer on WebAudio: one oscillator voice per melodic
// note (the waveform by GM family), noise and sine sweeps for drums. Always
// available: no SoundFont, nothing fetched (the fallback of sound.ts).

export interface Voice {
  /** Seconds on the AudioContext clock. */
  time: number;
  duration: number;
  pitch: number;
  velocity: number;
  program: number;
  drum: boolean;
  /** The track the note is of: a SoundFont gives each track its own MIDI channel (default: one channel per program). */
  track?: number;
}

const frequency = (pitch: number): number => 440 * 2 ** ((pitch - 69) / 12);

function waveform(program: number): OscillatorType {
  const family = Math.floor(program / 8);
  if (family === 4 || family === 10) return 'sawtooth'; // bass, synth lead
  if (family === 2 || family === 8 || family === 9) return 'square'; // organ, brass, reed
  if (family === 5 || family === 11) return 'sawtooth'; // strings, pads
  return 'triangle';
}

export class Synth {
  readonly kind = 'builtin';
  readonly name = 'the built-in synth';
  private readonly compressor: DynamicsCompressorNode;
  private output: GainNode;
  private readonly noise: AudioBuffer;

  constructor(private readonly context: AudioContext) {
    this.compressor = context.createDynamicsCompressor();
    this.compressor.connect(context.destination);
    this.output = this.createOutput();
    this.noise = context.createBuffer(1, context.sampleRate, context.sampleRate);
    const samples = this.noise.getChannelData(0);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.random() * 2 - 1;
  }

  play(voice: Voice): void {
    if (voice.drum) this.drum(voice);
    else this.tone(voice);
  }

  /** Silences everything scheduled (the output is rebuilt by the caller with a new Synth). */
  disconnect(): void {
    this.output.disconnect();
  }

  /** Silences everything playing or scheduled, now; later notes play on a fresh output. */
  stop(): void {
    this.output.disconnect();
    this.output = this.createOutput();
  }

  private createOutput(): GainNode {
    const output = this.context.createGain();
    output.gain.value = 0.25;
    output.connect(this.compressor);
    return output;
  }

  private envelope(time: number, peak: number, length: number): GainNode {
    const gain = this.context.createGain();
    gain.gain.setValueAtTime(0, time);
    gain.gain.linearRampToValueAtTime(peak, time + 0.005);
    gain.gain.setTargetAtTime(peak * 0.4, time + 0.01, 0.25);
    gain.gain.setTargetAtTime(0, time + length, 0.04);
    gain.connect(this.output);
    return gain;
  }

  private tone(v: Voice): void {
    const length = Math.max(0.05, v.duration);
    const oscillator = this.context.createOscillator();
    oscillator.type = waveform(v.program);
    oscillator.frequency.value = frequency(v.pitch);
    const filter = this.context.createBiquadFilter();
    filter.type = 'lowpass';
    filter.frequency.value = Math.min(8000, frequency(v.pitch) * 6);
    const peak = (v.velocity / 127) * (oscillator.type === 'triangle' ? 0.5 : 0.2);
    filter.connect(this.envelope(v.time, peak, length));
    oscillator.connect(filter);
    oscillator.start(v.time);
    oscillator.stop(v.time + length + 0.3);
  }

  private drum(v: Voice): void {
    const peak = (v.velocity / 127) * 0.6;
    if (v.pitch === 35 || v.pitch === 36) {
      const oscillator = this.context.createOscillator();
      oscillator.frequency.setValueAtTime(150, v.time);
      oscillator.frequency.exponentialRampToValueAtTime(45, v.time + 0.12);
      oscillator.connect(this.envelope(v.time, peak, 0.12));
      oscillator.start(v.time);
      oscillator.stop(v.time + 0.4);
      return;
    }
    const cymbal = v.pitch === 42 || v.pitch === 44 || v.pitch === 46 || v.pitch >= 49;
    const source = this.context.createBufferSource();
    source.buffer = this.noise;
    const filter = this.context.createBiquadFilter();
    filter.type = cymbal ? 'highpass' : 'bandpass';
    filter.frequency.value = cymbal ? 7000 : 1200 + (v.pitch - 37) * 60;
    const length = v.pitch === 46 || v.pitch === 49 || v.pitch === 57 ? 0.35 : cymbal ? 0.06 : 0.12;
    filter.connect(this.envelope(v.time, peak * (cymbal ? 0.5 : 1), length));
    source.connect(filter);
    source.start(v.time);
    source.stop(v.time + length + 0.3);
  }
}
