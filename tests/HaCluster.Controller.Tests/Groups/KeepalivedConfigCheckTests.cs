using System.Diagnostics;
using System.Net.NetworkInformation;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

/// <summary>
/// Integration: the real keepalived (Debian's 2.2.7) must accept every member's rendered config with
/// <c>keepalived -t</c>. Skipped where keepalived is missing, unless HACLUSTER_REQUIRE_PRIVILEGED=1.
/// </summary>
public sealed class KeepalivedConfigCheckTests : IDisposable
{
    private const string Keepalived = "/usr/sbin/keepalived";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("hacluster-groups-");

    public void Dispose() => directory.Delete(recursive: true);

    public static TheoryData<string> Groups => ["example", "three-members", "v3", "nopreempt", "preempt-delay", "address-owner"];

    [SkippableTheory]
    [MemberData(nameof(Groups))]
    public void RenderFor_EveryMember_PassesKeepalivedConfigTest(string name)
    {
        var group = Sample(name, RequireKeepalivedAndInterface());
        NoErrors(Validate(group));

        foreach (var member in group.Members)
        {
            var file = Path.Combine(directory.FullName, $"{name}-{member.Node}.conf");
            File.WriteAllText(file, GroupRenderer.RenderFor(group, member.Node));

            AssertAccepted(file);
        }
    }

    [SkippableFact]
    public void RenderNode_TwoGroups_PassesKeepalivedConfigTest()
    {
        var iface = RequireKeepalivedAndInterface();
        var web = Sample("example", iface);
        var db = Sample("v3", iface) with { Name = "db", Vrid = 28, VirtualIps = [new Vip("192.0.2.200/24", iface)] };
        var file = Path.Combine(directory.FullName, "node-n1.conf");
        File.WriteAllText(file, GroupRenderer.RenderNode([web, db], "n1"));

        AssertAccepted(file);
    }

    /// <summary>The example on an interface this machine has: keepalived -t fails on a missing one and refuses lo.</summary>
    private static VipGroup Sample(string name, string iface)
    {
        var example = Example with { Interface = iface, VirtualIps = [new Vip("192.0.2.100/32", iface, $"{iface}:0")] };
        return name switch
        {
            "example" => example,
            "three-members" => example with
            {
                VirtualIps = [new Vip("192.0.2.100/24"), new Vip("192.0.2.101")],
                Members = [.. example.Members, new Member("n3", "192.0.2.12", 60)],
            },
            "v3" => example with { Version = 3, AdvertInterval = 0.25, AuthPass = null },
            "nopreempt" => example with { Preempt = false },
            "preempt-delay" => example with { PreemptDelay = 10.5, AdvertInterval = 255 },
            "address-owner" => WithMember(example, 0, new Member("n1", "192.0.2.100", 255)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static string RequireKeepalivedAndInterface()
    {
        var required = Environment.GetEnvironmentVariable("HACLUSTER_REQUIRE_PRIVILEGED") == "1";
        Skip.If(!required && !File.Exists(Keepalived), $"{Keepalived} is not installed");
        Assert.True(File.Exists(Keepalived), $"{Keepalived} is not installed but HACLUSTER_REQUIRE_PRIVILEGED=1");
        var iface = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.Name.Length <= 13)
            .Select(n => n.Name)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        Skip.If(!required && iface is null, "no non-loopback interface to put the VRRP instance on");
        Assert.True(iface is not null, "no non-loopback interface but HACLUSTER_REQUIRE_PRIVILEGED=1");
        return iface;
    }

    /// <summary>
    /// keepalived 2.2.7 exits 5 on any complaint, warnings included, but exits 0 for a missing file (printing
    /// "Config files missing"): so the file must exist, the exit code be 0 and the output empty.
    /// </summary>
    private static void AssertAccepted(string file)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        var start = new ProcessStartInfo(Keepalived) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t", "-f", file })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CheckTimeout))
        {
            process.Kill();
            Assert.Fail($"keepalived -t did not finish within {CheckTimeout}");
        }

        var output = (stdout.Result + stderr.Result).Trim();
        Assert.True(process.ExitCode == 0 && output.Length == 0,
            $"keepalived -t -f {Path.GetFileName(file)} exited {process.ExitCode}:\n{output}\n--- config ---\n{File.ReadAllText(file)}");
    }
}
