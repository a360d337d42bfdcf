package api

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/user"
	"slices"
	"strconv"
	"syscall"
)

type peerKey struct{}

// peerFromContext returns the peer a request's connection came from, as
// ConnContext attached it.
func peerFromContext(ctx context.Context) (Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(Peer)
	return p, ok
}

// readPeer asks the kernel who is at the other end of a Unix socket
// connection (SO_PEERCRED, unix(7)): the credentials of the process as they
// were when it connected, which it cannot forge.
func readPeer(c net.Conn) (Peer, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return Peer{}, fmt.Errorf("%w: %T is not a Unix socket connection", ErrNoCredentials, c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("%w: %w", ErrNoCredentials, err)
	}
	var cred *syscall.Ucred
	var credErr error
	err = raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	})
	if err == nil {
		err = credErr
	}
	if err != nil {
		return Peer{}, fmt.Errorf("%w: SO_PEERCRED: %w", ErrNoCredentials, err)
	}
	return Peer{PID: cred.Pid, UID: cred.Uid, GID: cred.Gid}, nil
}

// adminPolicy decides who may use the admin endpoints: uid 0, the
// daemon's own user (who can read its memory and state anyway: a daemon
// started by hand, as by make run, is administered by whoever started it),
// and members of the admin group by primary group or by the group database.
type adminPolicy struct {
	self   uint32 // the daemon's uid
	group  string // the admin group's name, for refusals; "" when none
	gid    uint32 // the admin group; meaningful when hasGID
	hasGID bool
	// groupsOf lists a user's group ids; os/user in production.
	groupsOf func(uid uint32) ([]uint32, error)
}

// newAdminPolicy resolves the admin group name; NoGroup or a group missing
// from the system leaves only root, which the returned note explains.
func newAdminPolicy(group string) (p adminPolicy, note string) {
	p.groupsOf = userGroups
	p.self = uint32(os.Getuid())
	if group == NoGroup {
		return p, ""
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return p, fmt.Sprintf("admin group %q not found: only root and the daemon's own user may use the admin endpoints", group)
	}
	gid, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return p, fmt.Sprintf("admin group %q has gid %q: only root and the daemon's own user may use the admin endpoints", group, g.Gid)
	}
	p.group, p.gid, p.hasGID = group, uint32(gid), true
	return p, ""
}

// isAdmin decides for a peer's credentials.
func (p adminPolicy) isAdmin(uid, gid uint32) bool {
	if uid == 0 || uid == p.self {
		return true
	}
	if !p.hasGID {
		return false
	}
	if gid == p.gid {
		return true
	}
	groups, err := p.groupsOf(uid)
	return err == nil && slices.Contains(groups, p.gid)
}

// refusal says who may use an admin endpoint and how to become one of
// them, for a peer that is not.
func (p adminPolicy) refusal(uid uint32) string {
	if p.hasGID && p.gid == 0 {
		// Never advise joining root's group: it grants far more than this.
		return fmt.Sprintf("needs root or the group %s; you are uid %d: run it with sudo, or set admin_group to a group of its own", p.group, uid)
	}
	if !p.hasGID {
		return fmt.Sprintf("needs root or the daemon's user (uid %d), and this daemon has no admin group; you are uid %d: run it with sudo", p.self, uid)
	}
	return fmt.Sprintf("needs root or the group %s; you are uid %d: run it with sudo, or add your user to %s (usermod -aG %s USER) and log in again", p.group, uid, p.group, p.group)
}

func userGroups(uid uint32) ([]uint32, error) {
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return nil, err
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, err
	}
	out := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if v, err := strconv.ParseUint(id, 10, 32); err == nil {
			out = append(out, uint32(v))
		}
	}
	return out, nil
}
