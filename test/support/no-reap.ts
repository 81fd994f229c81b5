/**
 * Drives test/support/no-reap.py: a parent that starts commands in their own process group, kills
 * whole groups with SIGKILL and never reaps them, so the killed processes stay zombies while the
 * next run starts (see the script).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { join } from 'node:path';

export interface GroupMember {
  readonly pid: number;
  readonly ppid: number | null;
  readonly state: string | null;
  readonly cmd: string;
}

export class NoReapParent {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private buffered = '';
  private readonly waiting: ((line: string) => void)[] = [];
  /** The parent's own pid: the zombies it holds have it as their ppid. */
  readonly pid: number;

  constructor() {
    this.child = spawn('python3', [join(import.meta.dirname, 'no-reap.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.pid = this.child.pid!;
    this.child.stdout.on('data', (d: Buffer) => {
      this.buffered += d.toString();
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  private async ask<T>(command: Record<string, unknown>): Promise<T> {
    const line = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const answer = JSON.parse(await line) as T & { error?: string };
    if (answer.error) throw new Error(`no-reap.py ${String(command.op)}: ${answer.error}`);
    return answer;
  }

  /** Starts `argv` as the leader of a new session and process group; its output goes to files. */
  async start(
    argv: string[],
    options: { env: Record<string, string>; cwd: string; stdout: string; stderr: string },
  ): Promise<number> {
    return (await this.ask<{ pid: number }>({ op: 'start', argv, ...options })).pid;
  }

  /** The state letter of /proc/PID/stat (Z: dead, not reaped), or null when gone. */
  async state(pid: number): Promise<string | null> {
    return (await this.ask<{ state: string | null }>({ op: 'state', pid })).state;
  }

  /** SIGKILLs the process group led by `pid`; resolves once every member is dead (and unreaped). */
  async killGroup(pid: number): Promise<GroupMember[]> {
    return (await this.ask<{ members: GroupMember[] }>({ op: 'kill', pid })).members;
  }

  /** Waits for one process and reaps it (only it); its exit code (128 + n for a signal). */
  async wait(pid: number): Promise<number> {
    return (await this.ask<{ code: number }>({ op: 'wait', pid })).code;
  }

  /** Reaps every zombie it holds and exits. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}
