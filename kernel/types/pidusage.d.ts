// The part of pidusage 4 lazylab calls (the package ships no types).
declare module "pidusage" {
  interface Status {
    /** % since the previous call for this pid (100 = one core). */
    cpu: number;
    /** Resident set size in bytes. */
    memory: number;
    ppid: number;
    pid: number;
    ctime: number;
    elapsed: number;
    timestamp: number;
  }
  function pidusage(pid: number): Promise<Status>;
  export = pidusage;
}
