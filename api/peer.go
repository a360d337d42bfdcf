package api

import (
	"context"
	"fmt"
	"net"
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

// adminPolicy decides who may use the admin endpoints: uid 0, and members
// of the admin group by primary group or by the group database.
type adminPolicy struct {
	gid    uint32 // the admin group; meaningful when hasGID
	hasGID bool
	// groupsOf lists a user's group ids; os/user in production.
	groupsOf func(uid uint32) ([]uint32, error)
}

// newAdminPolicy resolves the admin group name; NoGroup or a group missing
// from the system leaves only root, which the returned note explains.
func newAdminPolicy(group string) (p adminPolicy, note string) {
	p.groupsOf = userGroups
	if group == NoGroup {
		return p, ""
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return p, fmt.Sprintf("admin group %q not found: only root may use the admin endpoints", group)
	}
	gid, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return p, fmt.Sprintf("admin group %q has gid %q: only root may use the admin endpoints", group, g.Gid)
	}
	p.gid, p.hasGID = uint32(gid), true
	return p, ""
}

// isAdmin decides for a peer's credentials.
func (p adminPolicy) isAdmin(uid, gid uint32) bool {
	if uid == 0 {
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
