namespace HaCluster.TestSupport;

/// <summary>The checkout the tests were built from: the nearest directory above the test binaries holding HaCluster.sln.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HaCluster.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"HaCluster.sln not found above {AppContext.BaseDirectory}");
    }
}
