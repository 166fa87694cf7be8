// Package proccpu reads from /proc the CPU time the benchmarks' processes
// spend: this process, PostgreSQL's (server and backends) and Redis's, which
// run on the same machine, so what they spend during a measured phase is
// that phase's.
package proccpu

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// TicksPerSecond is USER_HZ, 100 on every Linux architecture Go runs on.
const TicksPerSecond = 100

// ByProcess is CPU time in ticks (user and system, with reaped children)
// of this process, of PostgreSQL's processes and of Redis's.
type ByProcess struct{ Self, Postgres, Redis float64 }

// Minus is the CPU time spent between o and c.
func (c ByProcess) Minus(o ByProcess) ByProcess {
	return ByProcess{c.Self - o.Self, c.Postgres - o.Postgres, c.Redis - o.Redis}
}

// Add adds o to c.
func (c *ByProcess) Add(o ByProcess) {
	c.Self, c.Postgres, c.Redis = c.Self+o.Self, c.Postgres+o.Postgres, c.Redis+o.Redis
}

// Read reads /proc/<pid>/stat of every process (zero where there is no
// /proc). A process that ends between two reads takes its ticks with it:
// PostgreSQL's backends of a pooled benchmark live as long as its pool.
func Read() (c ByProcess) {
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid … utime stime cutime cstime (fields 14–17);
		// comm may hold spaces, so count fields after its ')'.
		lp, rp := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if lp < 0 || rp < lp {
			continue
		}
		fields := strings.Fields(string(stat[rp+1:]))
		if len(fields) < 15 {
			continue
		}
		var ticks float64
		for _, f := range fields[11:15] {
			v, _ := strconv.ParseFloat(f, 64)
			ticks += v
		}
		switch comm := string(stat[lp+1 : rp]); {
		case pid == self:
			c.Self += ticks
		case comm == "postgres":
			c.Postgres += ticks
		case strings.HasPrefix(comm, "redis-server"):
			c.Redis += ticks
		}
	}
	return c
}

// Steal is the CPU time, in ticks over all CPUs, the hypervisor has given
// other guests while this machine wanted it (the "steal" column of
// /proc/stat's cpu line; 0 without /proc). A measurement during which it
// grew ran on a machine slower than it looked.
func Steal() float64 {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	return stealOf(stat)
}

// stealOf reads the steal ticks of /proc/stat's text.
func stealOf(stat []byte) float64 {
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := strings.Fields(string(line))
	// cpu user nice system idle iowait irq softirq steal …
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0
	}
	v, _ := strconv.ParseFloat(fields[8], 64)
	return v
}
