using HaCluster.Agent.Hosting;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tests.Hosting;

public class ConfigDiffTests
{
    private const string Base = """
        vrrp_script chk {
            script "/bin/true"
            weight -20
        }
        vrrp_instance A {
            interface eth0
            virtual_router_id 1
            priority 100
            track_script {
                chk
            }
            virtual_ipaddress {
                192.0.2.100
            }
        }
        vrrp_instance B {
            interface eth0
            virtual_router_id 2
            virtual_ipaddress {
                192.0.2.101
            }
        }
        """;

    [Fact]
    public void SameConfig_MovedAroundWithComments_IsUnchanged()
    {
        var moved = "# reordered\n\n" + Base.Replace("vrrp_instance B", "! comment\nvrrp_instance B", StringComparison.Ordinal);

        var diff = Diff(Base, moved);

        Assert.Equal(["A", "B"], diff.Unchanged);
        Assert.Empty(diff.Changed);
    }

    [Fact]
    public void PriorityOfOneInstance_ChangesOnlyThatOne()
    {
        var diff = Diff(Base, Base.Replace("priority 100", "priority 90", StringComparison.Ordinal));

        Assert.Equal(["B"], diff.Unchanged);
        Assert.Equal(["A"], diff.Changed);
    }

    [Fact]
    public void ATrackedScriptsDefinition_ChangesTheInstancesTrackingIt()
    {
        var diff = Diff(Base, Base.Replace("weight -20", "weight -30", StringComparison.Ordinal));

        Assert.Equal(["A"], diff.Changed);
        Assert.Equal(["B"], diff.Unchanged);
    }

    [Fact]
    public void AddedAndRemovedInstances_AreNamed()
    {
        var diff = Diff(Base, Base.Replace("vrrp_instance B", "vrrp_instance C", StringComparison.Ordinal));

        Assert.Equal(["C"], diff.Added);
        Assert.Equal(["B"], diff.Removed);
    }

    private static ConfigDiff Diff(string before, string after)
    {
        var a = KeepalivedConfigLoader.Parse(before);
        var b = KeepalivedConfigLoader.Parse(after);
        Assert.False(a.HasErrors, string.Join('\n', a.Errors));
        Assert.False(b.HasErrors, string.Join('\n', b.Errors));
        return ConfigDiff.Between(a.Config, b.Config);
    }
}
