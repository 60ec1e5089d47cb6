using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>The host's file and the controller's pushed text, checked as one configuration.</summary>
public sealed class ConfigSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-sources-").FullName;

    private const string Local = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 27
            priority 100
            unicast_src_ip 192.0.2.10
            unicast_peer {
                192.0.2.11
            }
            virtual_ipaddress {
                192.0.2.100
            }
        }
        """;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_PushedInstanceClashingWithTheLocalOne_ErrorsNameBothFiles()
    {
        var local = Write("keepalived.conf", Local);
        var pushed = ConfigSource.FromText(Local.Replace("VI_1", "HC_web", StringComparison.Ordinal), "/var/lib/hacluster-agent/managed.conf");

        var loaded = KeepalivedConfigLoader.Load([ConfigSource.FromFile(local), pushed]);

        Assert.True(loaded.HasErrors);
        var errors = loaded.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("/var/lib/hacluster-agent/managed.conf:", StringComparison.Ordinal) && e.Contains("27", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("/var/lib/hacluster-agent/managed.conf:", StringComparison.Ordinal) && e.Contains("192.0.2.100", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DisjointSources_BothInstancesRun()
    {
        var pushed = ConfigSource.FromText(Local.Replace("VI_1", "HC_web", StringComparison.Ordinal).Replace("27", "28", StringComparison.Ordinal).Replace("192.0.2.100", "192.0.2.101", StringComparison.Ordinal), "managed.conf");

        var loaded = KeepalivedConfigLoader.Load([ConfigSource.FromFile(Write("keepalived.conf", Local)), pushed]);

        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        Assert.Equal(["VI_1", "HC_web"], loaded.Config.Instances.Select(i => i.Name));
    }

    [Fact]
    public void FromText_Include_IsAnErrorAndReadsNothing()
    {
        var secret = Write("secret.conf", "vrrp_instance X {\n}\n");

        var loaded = KeepalivedConfigLoader.Load([ConfigSource.FromText($"include {secret}\n", "managed.conf")]);

        var error = Assert.Single(loaded.Errors);
        Assert.Equal("managed.conf", error.Location.File);
        Assert.Contains("'include' is not allowed", error.Message, StringComparison.Ordinal);
        Assert.Empty(loaded.Config.Instances);
    }

    [Fact]
    public void FromFile_Missing_ErrorAtThatPath()
    {
        var loaded = KeepalivedConfigLoader.Load([ConfigSource.FromFile(Path.Combine(_dir, "absent.conf"))]);

        Assert.Contains("absent.conf", Assert.Single(loaded.Errors).ToString(), StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void FromFile_LargerThanTheCap_ErrorNotAnAttemptToParseIt()
    {
        var path = Write("huge.conf", new string('#', (int)ConfigLimits.MaxFileBytes + 1));

        var error = Assert.Single(KeepalivedConfigLoader.Load([ConfigSource.FromFile(path)]).Errors);

        Assert.Contains("larger than 2 MiB", error.Message, StringComparison.Ordinal);
    }
}
