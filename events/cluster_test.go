package events

import (
	"context"
	"slices"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
	"tenantadmin/kv/kvtest"
)

// TestFanOutOnCluster: the relay publishes to a stream on a local Redis
// Cluster (3 masters, a replica each) and two hubs (two server replicas)
// deliver every event in order, also when the stream's master is killed
// mid-stream and its replica takes over.
func TestFanOutOnCluster(t *testing.T) {
	c := kvtest.StartCluster(t, 3, 1)
	s, err := kv.Open(context.Background(), c.URL(""), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	e := &env{t: t, db: d, rdb: s, stream: "ta:events", tenant: f.Tenant("Tenant A", 0), other: f.Tenant("Tenant B", 0)}

	e.relay(RelayOptions{})
	h1, _ := e.hub(HubOptions{})
	h2, _ := e.hub(HubOptions{})
	s1, _ := subscribe(t, h1, all, nil)
	s2, _ := subscribe(t, h2, all, nil)
	waitSubscribers(t, h1, 1)
	waitSubscribers(t, h2, 1)

	var want []int64
	for i := range 10 {
		want = append(want, e.commit([]int64{e.tenant, e.other}[i%2], "USER_UPDATED"))
	}
	for _, s := range []*sub{s1, s2} {
		if got := s.next(t, len(want)); !slices.Equal(got, want) {
			t.Fatalf("before the failover: got %v, want %v", got, want)
		}
	}
	if e.streamCount(want[len(want)-1]) == 0 {
		t.Fatal("the events did not go through the stream")
	}

	victim := c.MasterOf(e.stream)
	victim.Kill()
	var after []int64
	for range 10 {
		after = append(after, e.commit(e.tenant, "USER_UPDATED"))
		time.Sleep(200 * time.Millisecond) // spread over the failover
	}
	for _, s := range []*sub{s1, s2} {
		if got := s.next(t, len(after)); !slices.Equal(got, after) {
			t.Fatalf("across the failover: got %v, want %v", got, after)
		}
	}
	// Once the replica is promoted the stream carries events again.
	deadline := time.Now().Add(30 * time.Second)
	for {
		id := e.commit(e.tenant, "USER_UPDATED")
		for _, s := range []*sub{s1, s2} {
			if got := s.next(t, 1); got[0] != id {
				t.Fatalf("after the failover: got %v, want %d", got, id)
			}
		}
		if m := c.MasterOf(e.stream); m != nil && m != victim {
			if _, err := e.rdb.XRange(context.Background(), e.stream, "-", "+").Result(); err == nil && e.streamCount(id) > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the stream did not come back after the failover")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
