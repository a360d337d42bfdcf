# scannerd: make run starts the daemon, make test runs every test (see README.md).

GO         ?= go
# gocv built with only the OpenCV modules capture needs (core, imgproc,
# imgcodecs, videoio): they compile against Debian 12's OpenCV 4.6.0.
TAGS       := gocv_specific_modules,gocv_videoio
# scanctl only decodes image files (imgcodecs, and its own PNG reader), never
# a camera or video: built without videoio it does not load GStreamer, FFmpeg
# and the ~100 libraries they bring (140 loaded instead of 244), whose dynamic
# linking was half its CPU at every start. packaging/mkdeb builds it the same
# way.
CTLTAGS    := gocv_specific_modules
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS    := -ldflags '-X main.version=$(VERSION)'
BUILDFLAGS := -tags=$(TAGS) -trimpath $(LDFLAGS)
export OPENCV_LOG_LEVEL ?= ERROR
# runtime/secret erases the memory image decoders leave behind (see the
# Privacy section of README.md); it exists only in builds with this.
# simd/archsimd lets the binarizer and the block contrast work 32 pixels
# at a time on amd64 processors with AVX2 (Vector code in README.md); other
# builds and processors take the word-at-a-time path, same results.
export GOEXPERIMENT ?= runtimesecret,simd
# The C and C++ of cgo (gocv's wrappers of OpenCV, capture's image readers)
# compiled without debug information: nothing reads it (the packages are
# stripped, test binaries linked without DWARF), and writing it is half of
# gocv's compile (39 s of CPU with it, 21 without), which make test does
# three times (go vet's build, the race build, the packages' scanctl).
# Set CGO_CFLAGS and CGO_CXXFLAGS to "-O2 -g" to step through the C.
export CGO_CFLAGS ?= -O2 -g0
export CGO_CXXFLAGS ?= -O2 -g0

.PHONY: all deps build test test-nocv test-arm64 run bench soak soak-kill soak-attack lint deb clean
all: build

deps:
	@scripts/deps.sh

build: deps
	@mkdir -p bin
	$(GO) build $(BUILDFLAGS) -o bin/ ./cmd/scannerd ./cmd/ltsd
	$(GO) build -tags=$(CTLTAGS) -trimpath $(LDFLAGS) -o bin/ ./cmd/scanctl

# Every go test run has an explicit bound: a hung test fails with the
# stacks of its goroutines instead of stalling CI.
TIMEOUT    := -timeout 15m
# go test runs a subset of go vet's checks on the packages it tests unless
# told not to; where go vet has just checked the same packages and tests
# with the same tags, -vet=off keeps it from doing that work again (the
# race build adds only files tagged //go:build race, each one constant,
# and capture's Mat profile test, one function).
NOVET      := -vet=off
# Test binaries are linked without DWARF (-w): nothing reads it (stack
# traces, panics and race reports come from the Go symbol tables, which
# stay), and writing it is most of a link: a race-built test binary that
# links OpenCV takes about 10 CPU seconds with it and 1.3 without; over
# the race build's 61 test binaries, 72 against 40. Rebuild a test binary
# without TESTLD to step through it in a debugger.
TESTLD     := -ldflags=-w

# Every test once under -race. The blackbox photos and the robustness suite
# skip there (minutes of decoding, no concurrency): the *Blackbox* and
# *Robustness* tests alone decode them without it. The sweeps of generated
# cases (internal/sweep: round trips at every angle and size, rounds of
# damaged stores) run a sample of their cases under -race; the *Sweep*
# tests run once more without it, where every case runs. The *Compiled*
# tests read the test binary's own machine code (scanner's vector code,
# sse_test.go), which race instrumentation changes: they are built only
# without it.
#
# The race build is also the one with gocv's Mat profile (-tags
# matprofile: each Mat made is counted until closed), so capture's
# TestMatProfileBackToZero runs there instead of in a gocv build of its
# own; the binaries tests build and run are built apart, without it.
#
# Beside the race build, everything make test compiles is built the way
# the packages are (packaging/mkdeb): position-independent and trimmed.
# go vet, the tests without -race, the binaries the audit builds and the
# packages then share one compile of the standard library, gocv and the
# modules, where a second flavour would cost minutes on a cold cache.
PIE        := -trimpath -buildmode=pie
# The race run's longest packages wait more than they compute (packages
# built, installed and checked by lintian, browsers, processes started and
# killed, PostgreSQL): listed first, go test starts each as soon as it is
# built, and with two programs per core (-p 4) it compiles and tests the
# rest beside them instead of after them.
RACE_FIRST := ./packaging ./internal/audit ./licensing/lts/console ./licensing ./cmd/ltsd ./cmd/scannerd ./api
# A race-built program waits a second before it exits (the race
# detector's atexit_sleep_ms), for races other goroutines are reporting:
# some 60 test binaries, each holding one of the -p slots idle that long.
# A tenth of it still lets a report that has begun be printed; what it may
# miss are races of goroutines a test leaves running past its end.
RACE_EXIT_MS := 100
# The packages with Blackbox or Robustness tests or with sweeps: only their
# test binaries are linked a second time, without -race.
NORACE_PKGS = $$({ grep -rlE '^func Test[A-Za-z0-9_]*(Blackbox|Robustness)' --include='*_test.go' .; \
	grep -rl '"github.com/scannerd/scannerd/internal/sweep"' --include='*_test.go' .; } | xargs -n1 dirname | sort -u)
test: deps
	$(GO) vet -tags=$(TAGS) $(PIE) ./...
	GORACE=atexit_sleep_ms=$(RACE_EXIT_MS) $(GO) test -tags=$(TAGS),matprofile $(NOVET) $(TIMEOUT) -race -p 4 $(TESTLD) $(RACE_FIRST) ./...
	$(GO) test -tags=$(TAGS) $(PIE) $(NOVET) $(TESTLD) $(TIMEOUT) -run 'Blackbox|Robustness|Sweep|Compiled' $(NORACE_PKGS)
	$(MAKE) --no-print-directory test-nocv

# Everything but the OpenCV code, without cgo: the build for platforms
# without OpenCV. go vet checks every package that can compile differently
# there: those with a file the two builds choose differently, and all that
# import one, in code or tests (scripts/nocv-pkgs.sh); the others compile
# from the same files against the same packages, and make test's go vet
# has checked them. The tests run for the packages whose build differs:
# those that reach OpenCV (through capture) or os/user in their code or
# tests. The rest is the same pure Go that make test runs already. It is
# also the plain build, without GOEXPERIMENT=runtimesecret, as go install
# makes it: it must compile and keep every guarantee that does not need
# runtime/secret. Built the way the packages build ltsd (packaging/mkdeb:
# plain, position-independent, trimmed), the two share one compile.
NOCV_PKGS   = $$($(GO) list -tags=$(TAGS) -f '{{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | awk '/gocv.io\/x\/gocv|scannerd\/capture|os\/user/ {print $$1}')
test-nocv:
	GOEXPERIMENT= CGO_ENABLED=0 $(GO) vet -tags nocv $(PIE) $$(GO=$(GO) scripts/nocv-pkgs.sh $(TAGS))
	GOEXPERIMENT= CGO_ENABLED=0 $(GO) test -tags nocv $(PIE) $(NOVET) $(TESTLD) $(TIMEOUT) -short $(NOCV_PKGS)

# make soak runs both long checks below.
soak: soak-kill soak-attack

# 200 rounds of kill -9 of scannerd (and some of ltsd) against delivered
# results and the LTS totals: the long form of the audit in make test.
soak-kill: deps
	AUDIT_KILL_ROUNDS=200 $(GO) test -tags=$(TAGS) -count=1 -timeout 90m -run 'TestKillNineNeverLosesAScan' -v ./internal/audit

# The arm64 packages: cross-built against Debian's arm64 OpenCV (a sysroot
# scripts/deps-cross.sh fetches), checked with lintian, and their binaries
# run under qemu. Minutes more than make test; .ci/run runs both.
test-arm64: deps
	scripts/deps-cross.sh arm64
	SCANNERD_TEST_ARM64=1 $(GO) test -tags=$(TAGS) -count=1 -timeout 30m -run 'TestArm64Packages' -v ./packaging

# On a terminal the script runs as a job of its own (bash -m), the
# terminal's foreground: Ctrl-C reaches it alone, it stops everything and
# exits 0, and make, which would otherwise die of the same SIGINT (status
# 130), reports that.
run: build
	@if [ -t 0 ] && [ -t 1 ]; then bash -mc "scripts/run.sh; exit \$$?"; else scripts/run.sh; fi

bench: build
	scripts/bench.sh

# The attacks of a hostile local peer, drop directory and LTS client, all at
# once against the real scannerd and ltsd (cmd/scannerd/soak_test.go), then a
# well-behaved client looping against the demo camera; the goal figures are
# printed. make soak SOAK_DURATION=10m SOAK_CLIENT_DURATION=1h for the long run.
SOAK_DURATION        ?= 2m
SOAK_CLIENT_DURATION ?= 2m
soak-attack: deps
	SOAK_DURATION=$(SOAK_DURATION) SOAK_CLIENT_DURATION=$(SOAK_CLIENT_DURATION) \
	  $(GO) test -tags=$(TAGS),soak -run '^TestSoak' -count=1 -timeout 0 -v ./cmd/scannerd

# make deb ARCH=arm64 cross-builds the arm64 packages (scripts/deps-cross.sh
# fetches what that needs).
ARCH ?= $(shell dpkg --print-architecture 2>/dev/null || $(GO) env GOARCH)
deb: deps
	@[ "$(ARCH)" = "$$(dpkg --print-architecture)" ] || scripts/deps-cross.sh $(ARCH)
	$(GO) run ./packaging/mkdeb --arch $(ARCH) --out dist

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet -tags=$(TAGS) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags=$(TAGS) ./...

clean:
	rm -rf bin dist
