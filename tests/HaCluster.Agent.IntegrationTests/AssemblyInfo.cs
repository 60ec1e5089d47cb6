// Failover timings are asserted against RFC deadlines: labs run one at a time so a busy neighbour cannot skew them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
