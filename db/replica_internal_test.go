package db

import (
	"slices"
	"testing"
)

func TestParseLSNAndSplitReplicaURLs(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "0/16B3748": 0x16B3748, "1/0": 1 << 32, "FF/FFFFFFFF": 0xFF_FFFF_FFFF} {
		if got, err := parseLSN(in); err != nil || got != want {
			t.Errorf("parseLSN(%q) = %#x, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "0", "x/1", "1/"} {
		if _, err := parseLSN(bad); err == nil {
			t.Errorf("parseLSN(%q) accepted", bad)
		}
	}
	for in, want := range map[string][]string{
		"":                                   nil,
		"postgres://a/db":                    {"postgres://a/db"},
		"postgres://a:1,b:2/db":              {"postgres://a:1,b:2/db"},
		"postgres://a/db, postgresql://b/db": {"postgres://a/db", "postgresql://b/db"},
		"postgres://a,b/db,postgres://c/db":  {"postgres://a,b/db", "postgres://c/db"},
		"host=a,b port=1,2 dbname=x":         {"host=a,b port=1,2 dbname=x"},
	} {
		if got := SplitReplicaURLs(in); !slices.Equal(got, want) {
			t.Errorf("SplitReplicaURLs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsWrite(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1": false, "  select * from users": false, "(SELECT 1) UNION (SELECT 2)": false,
		"BEGIN": false, "COMMIT": false, "ROLLBACK": false,
		"INSERT INTO t VALUES (1)": true, "update t set a = 1": true, "DELETE FROM t": true,
		"WITH x AS (SELECT 1) SELECT * FROM x": false, "WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x": true,
		"NOTIFY c": true, "CALL p()": true,
		"/* authorization input */ SELECT 1": false, "-- list\n  /* a */ /* b */ SELECT 1": false,
		"/* marked */ UPDATE users SET a = 1": true, "/* unterminated SELECT": true,
	} {
		if got := isWrite(q); got != want {
			t.Errorf("isWrite(%q) = %v", q, got)
		}
	}
}

func TestPgconnConfigDefaults(t *testing.T) {
	multi, err := pgconnConfig("postgres://u@h1:5432,h2:5433/db?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	if multi.ValidateConnect == nil || multi.ConnectTimeout != defaultConnectTimeout {
		t.Fatal("a multi-host URL gets no read-write check or connect timeout")
	}
	explicit, err := pgconnConfig("postgres://u@h1:5432,h2:5433/db?sslmode=disable&target_session_attrs=any&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	if explicit.ValidateConnect != nil || explicit.ConnectTimeout.Seconds() != 2 {
		t.Fatal("the URL's own settings are overridden")
	}
	single, err := pgconnConfig("postgres://u@h1:5432/db")
	if err != nil {
		t.Fatal(err)
	}
	if single.ValidateConnect != nil || single.ConnectTimeout != 0 {
		t.Fatal("a single-host URL changed")
	}
}
