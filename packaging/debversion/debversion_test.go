package debversion

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUpstream(t *testing.T) {
	at := time.Date(2026, 12, 4, 15, 30, 12, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		c    Commit
		want string
	}{
		{Commit{Tag: "v1.2.3", Time: at, Hash: "abc1234"}, "1.2.3"},
		{Commit{Tag: "v1.2.3", Since: 4, Time: at, Hash: "abc1234"}, "1.2.4~git20261204143012.abc1234"},
		{Commit{Tag: "v1.2.3", Time: at, Hash: "abc1234", Dirty: true}, "1.2.4~git20261204143012.abc1234.dirty"},
		{Commit{Tag: "v2.0.0-rc1", Time: at, Hash: "abc1234"}, "2.0.0~rc1"},
		{Commit{Tag: "v2.0.0-rc1", Since: 1, Time: at, Hash: "abc1234"}, "2.0.0~rc1+git20261204143012.abc1234"},
		{Commit{Time: at, Hash: "8185f07"}, "0.0.1~git20261204143012.8185f07"},
	} {
		got, err := tc.c.Upstream()
		if err != nil || got != tc.want {
			t.Errorf("%+v: %q %v, want %q", tc.c, got, err, tc.want)
		}
	}
	for _, tag := range []string{"1.2.3", "v1.2", "release-1", "v1.2.3-rc_1"} {
		if _, err := (Commit{Tag: tag}).Upstream(); !errors.Is(err, ErrBadTag) {
			t.Errorf("tag %q: %v, want ErrBadTag", tag, err)
		}
	}
}

// TestHistorySortsInOrder makes a repository with snapshots and releases,
// takes the version of each commit from git, and checks that dpkg orders
// the versions as the history runs, whatever the hashes look like.
func TestHistorySortsInOrder(t *testing.T) {
	for _, tool := range []string{"git", "dpkg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	ctx := context.Background()
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE="+when.Format(time.RFC3339), "GIT_COMMITTER_DATE="+when.Format(time.RFC3339))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q", "-b", "main")
	var versions []string
	// Each step: an optional tag after the commit. Two commits land in the
	// same hour and one a second later, so only the seconds order them.
	for i, step := range []struct {
		gap time.Duration
		tag string
	}{
		{time.Hour, ""}, {time.Second, ""}, {time.Hour, "v0.1.0-rc1"}, {time.Minute, ""},
		{time.Hour, "v0.1.0"}, {time.Hour, ""}, {24 * time.Hour, ""}, {time.Hour, "v0.1.1"}, {time.Hour, "v1.0.0"}, {time.Second, ""},
	} {
		when = when.Add(step.gap)
		os.WriteFile(filepath.Join(dir, "f"), []byte{byte(i)}, 0o644)
		git("add", "f")
		git("commit", "-q", "-m", "step")
		if step.tag != "" {
			git("tag", "-a", "-m", step.tag, step.tag)
		}
		c, err := FromGit(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Debian()
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	// A change not yet committed sorts after its commit.
	os.WriteFile(filepath.Join(dir, "f"), []byte("dirty"), 0o644)
	c, err := FromGit(ctx, dir)
	if err != nil || !c.Dirty {
		t.Fatalf("dirty tree: %+v %v", c, err)
	}
	v, _ := c.Debian()
	versions = append(versions, v)
	t.Logf("versions: %s", strings.Join(versions, " < "))
	for i := 1; i < len(versions); i++ {
		if err := exec.Command("dpkg", "--compare-versions", versions[i-1], "lt", versions[i]).Run(); err != nil {
			t.Errorf("dpkg does not order %s before %s", versions[i-1], versions[i])
		}
	}
	// The hash-named versions of the old recipe sorted above every release.
	if exec.Command("dpkg", "--compare-versions", "8185f07-1", "lt", "9.9.9-1").Run() == nil {
		t.Error("dpkg changed its ordering: the old scheme's failure no longer shows")
	}
	if versions[4] != "0.1.0-1" || versions[len(versions)-3] != "1.0.0-1" {
		t.Errorf("release versions: %s", strings.Join(versions, " "))
	}
}
