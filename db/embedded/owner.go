package embedded

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// unprivilegedUser is who runs initdb/postgres when we are root, because
// PostgreSQL refuses to run with root privileges.
const unprivilegedUser = "nobody"

// childUser is the account the server processes run as; nil means "as us".
type childUser struct {
	name     string
	uid, gid uint32
}

// lookupChildUser returns nil unless we are root.
func lookupChildUser() (*childUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(unprivilegedUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as %q but the user lookup failed: %w", unprivilegedUser, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user %q has non-numeric uid/gid %s/%s", unprivilegedUser, u.Uid, u.Gid)
	}
	return &childUser{name: u.Username, uid: uint32(uid), gid: uint32(gid)}, nil
}

// sysProcAttr puts the child in its own process group, so a terminal Ctrl-C
// reaches only us and we decide how to shut PostgreSQL down, and drops to the
// unprivileged user when needed (with no supplementary groups of root's).
func (u *childUser) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if u != nil {
		attr.Credential = &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: []uint32{}}
	}
	return attr
}

// chownTree hands a directory tree to the child user. Lchown so a symlink
// planted in the data dir cannot redirect the chown elsewhere.
func (u *childUser) chownTree(root string) error {
	if u == nil {
		return nil
	}
	return filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(u.uid), int(u.gid))
	})
}

// chown hands a single path to the child user.
func (u *childUser) chown(path string) error {
	if u == nil {
		return nil
	}
	return os.Lchown(path, int(u.uid), int(u.gid))
}

// makeTraversable adds the "others may search" bit to every directory from
// path up to / that the child user could not otherwise enter. Needed for
// root-owned 0700 parents such as the directories t.TempDir creates.
func (u *childUser) makeTraversable(path string, logger *slog.Logger) error {
	if u == nil {
		return nil
	}
	for dir := path; ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return err
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		mode := st.Mode().Perm()
		canSearch := mode&0o001 != 0 ||
			(ok && sys.Uid == u.uid && mode&0o100 != 0) ||
			(ok && sys.Gid == u.gid && mode&0o010 != 0)
		if st.IsDir() && !canSearch {
			if err := os.Chmod(dir, st.Mode()|0o001); err != nil {
				return fmt.Errorf("make %s traversable for user %s: %w", dir, u.name, err)
			}
			logger.Info("embedded postgres: made directory traversable for the server user",
				"dir", dir, "user", u.name)
		}
		if filepath.Dir(dir) == dir {
			return nil
		}
	}
}
