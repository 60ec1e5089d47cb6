using Xunit;

namespace HaCluster.TestSupport;

/// <summary>Whether this machine can run namespace labs; tests skip (or fail, when required) if not.</summary>
public static class Privileges
{
    /// <summary>Set to 1 (e.g. in CI on a privileged runner) to make missing privileges or tools fail tests instead of skipping them.</summary>
    public const string RequireVariable = "HACLUSTER_REQUIRE_PRIVILEGED";

    /// <summary>Tools every lab needs.</summary>
    public static readonly IReadOnlyList<string> LabTools = ["ip", "nft", "tcpdump", "socat", "ping", "sysctl"];

    private static readonly Lazy<bool> NamespacesWork = new(ProbeNamespaces);

    /// <summary>Root (euid 0), <c>ip</c> installed, and <c>ip netns add</c> really works here.</summary>
    public static bool CanUseNamespaces => NamespacesWork.Value;

    /// <summary>Skips the current <c>[SkippableFact]</c> unless namespaces work and the lab tools plus
    /// <paramref name="extraTools"/> are installed; throws instead when <see cref="RequireVariable"/> is 1.</summary>
    /// <param name="what">What the test needs them for, shown in the reason.</param>
    public static void RequireOrSkip(string what, params string[] extraTools)
    {
        var missing = LabTools.Concat(extraTools).Where(tool => Tools.Find(tool) is null).ToList();
        var problems = new List<string>();
        if (missing.Count > 0)
            problems.Add($"missing tools: {string.Join(", ", missing)}");
        if (!CanUseNamespaces)
            problems.Add(Native.EffectiveUserId() != 0 ? "not root (euid != 0)" : "`ip netns add` does not work here");
        if (problems.Count == 0)
            return;
        SkipOrFail($"{what} needs network namespaces: {string.Join("; ", problems)}");
    }

    /// <summary>Skips the current <c>[SkippableFact]</c> unless <paramref name="tools"/> are installed (no root needed);
    /// throws instead when <see cref="RequireVariable"/> is 1.</summary>
    public static void RequireToolsOrSkip(string what, params string[] tools)
    {
        var missing = tools.Where(tool => Tools.Find(tool) is null).ToList();
        if (missing.Count > 0)
            SkipOrFail($"{what} needs {string.Join(", ", missing)}");
    }

    private static void SkipOrFail(string reason)
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            throw new InvalidOperationException($"{reason} ({RequireVariable}=1, so this fails instead of skipping)");
        Skip.If(true, reason);
    }

    private static bool ProbeNamespaces()
    {
        if (Native.EffectiveUserId() != 0 || Tools.Find("ip") is null)
            return false;
        // Not a lab name (the 'p' is no hex digit), so no cleanup ever mistakes it for one.
        var probe = $"hcprobe{Environment.ProcessId}";
        var added = Cmd.RunAsync("ip", ["netns", "add", probe], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var deleted = Cmd.RunAsync("ip", ["netns", "del", probe], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return added.Succeeded && deleted.Succeeded;
    }
}
