package wiring

import (
	"github.com/prometheus/client_golang/prometheus"
)

// registerReplicaMetrics exports the replicas' state (docs/ha.md):
// db_replica_in_use and db_replica_lag_seconds per replica, and where the
// lag-tolerant reads went.
func (m *Main) registerReplicaMetrics(reg prometheus.Registerer) {
	for i, st := range m.DB.ReplicaStatus() {
		labels := prometheus.Labels{"replica": st.Name}
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "db_replica_in_use", ConstLabels: labels,
				Help: "1 when lag-tolerant reads may go to this PostgreSQL replica (reachable, lag under REPLICA_MAX_LAG), else 0."},
				func() float64 {
					if m.DB.ReplicaStatus()[i].InUse {
						return 1
					}
					return 0
				}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "db_replica_lag_seconds", ConstLabels: labels,
				Help: "How far this PostgreSQL replica's replay was behind the primary's WAL when last seen."},
				func() float64 { return m.DB.ReplicaStatus()[i].Lag.Seconds() }),
		)
	}
	if len(m.DB.ReplicaStatus()) > 0 {
		for _, target := range []string{"replica", "primary"} {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "db_lag_tolerant_reads_total",
				ConstLabels: prometheus.Labels{"target": target},
				Help:        "Lag-tolerant reads (lists, counts, audit, findings, reports) by where they ran."},
				func() float64 {
					r, p := m.DB.LagTolerantReads()
					if target == "replica" {
						return float64(r)
					}
					return float64(p)
				}))
		}
	}
}
