namespace HaCluster.TestSupport;

/// <summary>Finds system tools, also in the sbin directories a test runner's PATH often lacks.</summary>
public static class Tools
{
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"];

    /// <summary>Absolute path of <paramref name="name"/>, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/'))
            return File.Exists(name) ? name : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Absolute path of <paramref name="name"/>; throws when it is not installed.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new FileNotFoundException($"required tool '{name}' is not installed");
}
