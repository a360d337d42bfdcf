//go:build amd64 && goexperiment.simd && !race

package scanner

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The vector code (the *_simd.go files here and in aztec, datamatrix and
// dotcode) runs in AVX2's 256-bit registers, whose upper halves stay set
// until VZEROUPPER clears them (archsimd.ClearAVXUpperBits). An SSE
// instruction run while they are set (one without the VEX prefix that
// the vector instructions have: Go's scalar floating-point arithmetic,
// its zeroing of memory through X15, a 128-bit vector set aside, the
// move of a shift's count into a vector register that ShiftAllRight
// makes) makes the processor preserve or merge them: a few cycles on
// some processors, a stall of hundreds on others. On a Xeon server, one
// such instruction in dotcode's block loop made it a hundred times
// slower than without it, and the vector code of the default decode
// took 2.6 times the CPU time it takes without them.
//
// TestCompiledVectorCodeNoSSE reads the compiled code of this test binary
// (objdump) and fails on any SSE instruction, and any call (which may run
// some), that one of the module's functions can reach while the upper
// halves are set: a function's instructions are followed from its entry
// along its jumps, every 256-bit instruction setting them, VZEROUPPER
// clearing them. Race instrumentation calls the race detector around
// every memory access and changes the code, so the test runs only in
// the build without it (make test's second run).
func TestCompiledVectorCodeNoSSE(t *testing.T) {
	if !blockRowVectors {
		t.Skip("no AVX2 here: the vector code does not run")
	}
	objdump, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump (Debian package binutils) not installed: make deps installs it")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The module's functions, from the Go symbol table (go test links
	// its binaries without the ELF one, which objdump would name them
	// by).
	funcs, tab := moduleFunctions(t, bin)
	cmd := exec.Command(objdump, "-d", "--no-show-raw-insn", "-w", bin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	bodies := make([][]instruction, len(funcs))
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		m := instructionLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		at, _ := strconv.ParseUint(m[1], 16, 64)
		i := sort.Search(len(funcs), func(i int) bool { return funcs[i].End > at })
		if i < len(funcs) && funcs[i].Entry <= at {
			in := instruction{at: at, op: m[2], args: m[3]}
			if t := jumpTarget.FindStringSubmatch(in.args); in.op == "call" && t != nil && !strings.Contains(in.args, "<") {
				// Named for the calls left out (panics, …).
				to, _ := strconv.ParseUint(t[1], 16, 64)
				if fn := tab.PCToFunc(to); fn != nil {
					in.args += " <" + fn.Name + ">"
				}
			}
			bodies[i] = append(bodies[i], in)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("objdump: %v", err)
	}
	checked := 0
	for i, f := range funcs {
		bad, wide := upperHalvesSSE(bodies[i])
		if wide {
			checked++
		}
		for _, in := range bad {
			t.Errorf("%s: %s while the vector registers' upper halves are set", strings.TrimPrefix(f.Name, "github.com/scannerd/scannerd/"), in)
		}
	}
	// The vector code is there: blockRowWide, probeWide, skipWide, …
	if checked < 10 {
		t.Fatalf("objdump listed %d of the module's functions with 256-bit instructions; want the vector code's (at least 10)", checked)
	}
}

// moduleFunctions returns the functions of the module in the program
// bin, in the order of their addresses, and its symbol table.
func moduleFunctions(t *testing.T, bin string) ([]gosym.Func, *gosym.Table) {
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pcln, text := f.Section(".gopclntab"), f.Section(".text")
	if pcln == nil || text == nil {
		t.Fatalf("%s: no Go symbol table", bin)
	}
	data, err := pcln.Data()
	if err != nil {
		t.Fatal(err)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr))
	if err != nil {
		t.Fatal(err)
	}
	var funcs []gosym.Func
	for _, fn := range tab.Funcs {
		if strings.HasPrefix(fn.Name, "github.com/scannerd/scannerd/") {
			funcs = append(funcs, fn)
		}
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Entry < funcs[j].Entry })
	return funcs, tab
}

// An instruction of objdump's listing.
type instruction struct {
	at       uint64
	op, args string
}

func (in instruction) String() string {
	return strconv.FormatUint(in.at, 16) + ": " + in.op + " " + in.args
}

var (
	instructionLine = regexp.MustCompile(`^\s+([0-9a-f]+):\t(\S+)\s*(.*)$`)
	jumpTarget      = regexp.MustCompile(`^(?:0x)?([0-9a-f]+)\b`) // "6f662e <f+0x2e>", or "0x6f662e" without symbols
)

// wide reports a VEX (or EVEX) instruction on a 256- or 512-bit
// register, which leaves the upper halves set.
func (in instruction) wide() bool {
	return strings.HasPrefix(in.op, "v") && (strings.Contains(in.args, "%ymm") || strings.Contains(in.args, "%zmm"))
}

// upperHalvesSSE returns the instructions of a function's body that run
// SSE, or call, with the upper halves set on some path from its entry,
// and whether the body sets them at all. Calls that do not return
// (panics), that only run while the garbage collector marks (its write
// barrier) or that grow a slice (amortized over the appends) are left
// out.
func upperHalvesSSE(body []instruction) (bad []instruction, wide bool) {
	for _, in := range body {
		if in.wide() {
			wide = true
			break
		}
	}
	if !wide || len(body) == 0 {
		return nil, wide
	}
	index := make(map[uint64]int, len(body))
	for i, in := range body {
		index[in.at] = i
	}
	// set[i]: the upper halves may be set when instruction i runs.
	set := make([]bool, len(body))
	seen := make([]bool, len(body))
	seen[0] = true
	work := []int{0}
	follow := func(i int, s bool) {
		if i >= len(body) || seen[i] && (set[i] || !s) {
			return
		}
		seen[i], set[i] = true, set[i] || s
		work = append(work, i)
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		in, s := body[i], set[i]
		switch {
		case in.op == "vzeroupper" || in.op == "vzeroall":
			s = false
		case in.wide():
			s = true
		}
		switch {
		case in.op == "ret" || in.op == "ud2" || in.op == "int3":
			continue
		case in.op == "call" && strings.Contains(in.args, "panic"):
			continue
		case strings.HasPrefix(in.op, "j"):
			if m := jumpTarget.FindStringSubmatch(in.args); m != nil {
				at, _ := strconv.ParseUint(m[1], 16, 64)
				if j, ok := index[at]; ok {
					follow(j, s)
				}
			}
			if in.op == "jmp" {
				continue
			}
		}
		follow(i+1, s)
	}
	for i, in := range body {
		if !set[i] {
			continue
		}
		sse := !strings.HasPrefix(in.op, "v") && strings.Contains(in.args, "%xmm")
		call := in.op == "call" && !strings.Contains(in.args, "panic") && !strings.Contains(in.args, "morestack") &&
			!strings.Contains(in.args, "gcWriteBarrier") && !strings.Contains(in.args, "growslice")
		if sse || call {
			bad = append(bad, in)
		}
	}
	return bad, wide
}

// TestCompiledCodeUpperHalves checks the analysis on listings of its own: an SSE
// instruction after a 256-bit one is found, one after VZEROUPPER is not,
// and a loop carries the upper halves back to its start.
func TestCompiledCodeUpperHalves(t *testing.T) {
	parse := func(listing string) []instruction {
		var body []instruction
		for _, l := range strings.Split(listing, "\n") {
			if m := instructionLine.FindStringSubmatch(l); m != nil {
				at, _ := strconv.ParseUint(m[1], 16, 64)
				body = append(body, instruction{at: at, op: m[2], args: m[3]})
			}
		}
		return body
	}
	for _, c := range []struct {
		name, listing string
		bad           int
	}{
		{"after", "  10:\tvpaddw %ymm1,%ymm2,%ymm3\n  14:\tmovq   %r11,%xmm5\n  18:\tvzeroupper\n  1b:\tret", 1},
		{"cleared", "  10:\tvpaddw %ymm1,%ymm2,%ymm3\n  14:\tvzeroupper\n  17:\taddsd  %xmm1,%xmm0\n  1b:\tret", 0},
		{"loop", "  10:\tmovsd  (%rax),%xmm1\n  14:\tvbroadcastsd %xmm1,%ymm1\n  19:\tjne    10 <f+0x0>\n  1b:\tvzeroupper\n  1e:\tret", 1},
		{"stripped loop", "  10:\tmovsd  (%rax),%xmm1\n  14:\tvbroadcastsd %xmm1,%ymm1\n  19:\tjne    0x10\n  1b:\tvzeroupper\n  1e:\tret", 1},
		{"narrow", "  10:\tvpaddw %xmm1,%xmm2,%xmm3\n  14:\tmovq   %r11,%xmm5\n  18:\tret", 0},
		{"call", "  10:\tvpaddw %ymm1,%ymm2,%ymm3\n  14:\tcall   20 <runtime.memmove>\n  19:\tcall   30 <runtime.panicIndex>", 1},
	} {
		bad, _ := upperHalvesSSE(parse(c.listing))
		if len(bad) != c.bad {
			t.Errorf("%s: found %v, want %d", c.name, bad, c.bad)
		}
	}
}
