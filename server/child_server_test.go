package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"tenantadmin/server/wiring"
)

// Server processes of the test binary: tests that need real processes
// (killed with SIGKILL, or several replicas) run the same code as the
// server binary in a child process.

// childServerEnv makes the test binary run as a server process (see
// TestMain) so that a test can SIGKILL it.
const childServerEnv = "TENANTADMIN_CHILD_SERVER_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childServerEnv); args != "" {
		runChildServer(args)
		return
	}
	os.Exit(m.Run())
}

// runChildServer serves like the real binary, prints its address, and runs
// until it is killed.
func runChildServer(rawArgs string) {
	var args []string
	if err := json.Unmarshal([]byte(rawArgs), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	m := wiring.NewMain()
	m.Logger = slog.New(slog.DiscardHandler)
	if err := m.ParseFlags(args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := m.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("LISTENING", m.Addr())
	select {}
}

// childServer is a server process of the test binary.
type childServer struct {
	cmd  *exec.Cmd
	addr string
}

func startChildServer(t *testing.T, args ...string) *childServer {
	t.Helper()
	b, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childServerEnv+"="+string(b))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &childServer{cmd: cmd}
	t.Cleanup(func() { c.kill() })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "LISTENING "); ok {
			c.addr = addr
			break
		}
	}
	if c.addr == "" {
		t.Fatal("the server process did not start")
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return c
}

func (c *childServer) kill() {
	if c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Kill() // SIGKILL: no shutdown, no deferred cleanup (fails only if it already exited)
		_ = c.cmd.Wait()         // "signal: killed" is the expected outcome
	}
}
