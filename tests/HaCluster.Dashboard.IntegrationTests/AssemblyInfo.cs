// Two browser tests at a time (xUnit's conservative algorithm starts a test only when one of the two slots is
// free): each starts its own controller, dashboard and lab, and mostly waits on them.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
