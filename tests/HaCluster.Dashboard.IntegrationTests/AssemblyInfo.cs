// One browser and one lab at a time on these two cores: run two at a time, a sign-out click was lost once in four
// runs (the page re-rendered under it).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
