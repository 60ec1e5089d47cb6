using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>HaCluster's planned-work keywords in a vrrp_instance: the chosen master, the linger, maintenance.</summary>
public sealed class HandoffConfigTests
{
    [Fact]
    public void Primary_Linger_Maintenance_Parsed_AndRenderedBack()
    {
        var instance = Conf.SingleInstance("""
                hacluster_primary 192.0.2.11
                hacluster_linger 0.25
                hacluster_maintenance
            """);

        Assert.Equal(new HandoffConfig { Primary = IPAddress.Parse("192.0.2.11"), Linger = TimeSpan.FromMilliseconds(250), Maintenance = MaintenanceMode.LastResort }, instance.Handoff);
        var rendered = KeepalivedConfigRenderer.RenderInstance(instance);
        Assert.Contains("    hacluster_primary 192.0.2.11\n    hacluster_linger 0.25\n    hacluster_maintenance\n", rendered, StringComparison.Ordinal);
        Assert.Equal(instance.Handoff, Conf.SingleInstance(rendered[(rendered.IndexOf('\n') + 1)..rendered.LastIndexOf('}')]).Handoff);
    }

    [Fact]
    public void Nothing_NoHandoff_NothingRendered_LingerDefaultsToAFewHundredMilliseconds()
    {
        var instance = Conf.SingleInstance("");

        Assert.Equal(HandoffConfig.None, instance.Handoff);
        Assert.Equal(TimeSpan.FromMilliseconds(300), instance.Handoff.Linger);
        Assert.DoesNotContain("hacluster_", KeepalivedConfigRenderer.RenderInstance(instance), StringComparison.Ordinal);
        Assert.Equal(MaintenanceMode.Strict, Conf.SingleInstance("hacluster_maintenance strict").Handoff.Maintenance);
    }

    [Theory]
    [InlineData("hacluster_primary not-an-address", "hacluster_primary")]
    [InlineData("hacluster_linger 11", "hacluster_linger")]
    [InlineData("hacluster_linger -1", "hacluster_linger")]
    [InlineData("hacluster_maintenance sometimes", "takes nothing or 'strict'")]
    public void BadValues_ErrorAtTheirLine(string line, string fragment)
    {
        var result = Conf.Parse(Conf.Instance(body: line));

        Conf.HasError(result, 4, fragment);
    }
}
