// Package debversion names a build of the packages by its place in git
// history, in versions that dpkg orders as the history runs.
//
// A commit tagged vX.Y.Z is version X.Y.Z (vX.Y.Z-rc1 is X.Y.Z~rc1). A
// commit after the latest tag vX.Y.Z is X.Y.(Z+1)~git<time>.<hash>: the
// tilde sorts it after X.Y.Z and before the release it leads to, and the
// commit time (UTC, to the second) orders the snapshots among themselves
// whatever their hashes. Without any tag the base is 0.0.0.
package debversion

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Revision is the Debian revision of every package built from a version.
const Revision = "1"

// Commit is what git says about the commit a build is made from.
type Commit struct {
	// Tag is the latest release tag reachable from the commit ("" if none).
	Tag string
	// Since counts the commits since Tag.
	Since int
	// Time is the commit time.
	Time time.Time
	// Hash is the abbreviated commit hash.
	Hash string
	// Dirty says the work tree has uncommitted changes.
	Dirty bool
}

var tagRE = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.]+))?$`)

// ErrBadTag is returned for a release tag that is not vX.Y.Z[-PRE].
var ErrBadTag = errors.New("release tags are vX.Y.Z or vX.Y.Z-PRERELEASE")

// Upstream returns the upstream version of the commit, the one the
// binaries report.
func (c Commit) Upstream() (string, error) {
	major, minor, patch, pre := 0, 0, 0, ""
	if c.Tag != "" {
		m := tagRE.FindStringSubmatch(c.Tag)
		if m == nil {
			return "", fmt.Errorf("%w: %q", ErrBadTag, c.Tag)
		}
		major, _ = strconv.Atoi(m[1])
		minor, _ = strconv.Atoi(m[2])
		patch, _ = strconv.Atoi(m[3])
		pre = m[4]
	}
	snapshot := ""
	if c.Tag == "" || c.Since > 0 || c.Dirty {
		snapshot = "git" + c.Time.UTC().Format("20060102150405") + "." + c.Hash
		if c.Dirty {
			snapshot += ".dirty"
		}
	}
	switch {
	case snapshot == "" && pre == "":
		return fmt.Sprintf("%d.%d.%d", major, minor, patch), nil
	case snapshot == "":
		return fmt.Sprintf("%d.%d.%d~%s", major, minor, patch, pre), nil
	case pre != "":
		// After a pre-release: later than it, earlier than the next one.
		return fmt.Sprintf("%d.%d.%d~%s+%s", major, minor, patch, pre, snapshot), nil
	case c.Tag == "":
		return fmt.Sprintf("0.0.1~%s", snapshot), nil
	}
	return fmt.Sprintf("%d.%d.%d~%s", major, minor, patch+1, snapshot), nil
}

// Debian returns the package version: upstream and the Debian revision.
func (c Commit) Debian() (string, error) {
	up, err := c.Upstream()
	if err != nil {
		return "", err
	}
	return up + "-" + Revision, nil
}

// FromGit describes HEAD of the repository at dir.
func FromGit(ctx context.Context, dir string) (Commit, error) {
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return strings.TrimSpace(string(out)), nil
	}
	var c Commit
	head, err := git("log", "-1", "--format=%ct %h")
	if err != nil {
		return c, err
	}
	secs, hash, _ := strings.Cut(head, " ")
	unix, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return c, fmt.Errorf("commit time %q: %w", secs, err)
	}
	c.Time, c.Hash = time.Unix(unix, 0).UTC(), hash
	if d, err := git("describe", "--tags", "--match", "v[0-9]*", "--abbrev=0"); err == nil {
		c.Tag = d
		n, err := git("rev-list", "--count", d+"..HEAD")
		if err != nil {
			return c, err
		}
		c.Since, _ = strconv.Atoi(n)
	}
	status, err := git("status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return c, err
	}
	c.Dirty = status != ""
	return c, nil
}
