// One browser and one lab at a time on these two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
