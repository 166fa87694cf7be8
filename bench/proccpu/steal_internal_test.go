package proccpu

import "testing"

func TestStealOf(t *testing.T) {
	for stat, want := range map[string]float64{
		"cpu  81930 0 16739 47820 2656 0 1185 3183 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n": 3183,
		"cpu0 1 2 3 4 5 6 7 8 9 10\n":       0, // not the machine's line
		"cpu  1 2 3\n":                      0, // a kernel without the column
		"cpu  1 2 3 4 5 6 7 x 9 10\nintr 1": 0,
	} {
		if got := stealOf([]byte(stat)); got != want {
			t.Errorf("stealOf(%q) = %v, want %v", stat, got, want)
		}
	}
}
