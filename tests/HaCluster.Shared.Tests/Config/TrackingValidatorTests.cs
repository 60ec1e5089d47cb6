using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>Checks across vrrp_script, vrrp_track_file, vrrp_sync_group and the instances that use them.</summary>
public class TrackingValidatorTests
{
    private const string ScriptA = "vrrp_script a {\n script /bin/a\n}\n";

    private static string Group(string name, string members) => $"vrrp_sync_group {name} {{\n group {{\n{members}\n }}\n}}\n";

    [Fact]
    public void Parse_TrackScriptUnknownName_ReportsFileLine()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_script {\n a\n nope\n}") + ScriptA);

        Assert.Equal("test.conf:6: track_script: vrrp_script 'nope' is not defined", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_TrackFileUnknownName_ReportsFileLine()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_file {\n missing weight 2\n}"));

        Assert.Equal("test.conf:5: track_file: vrrp_track_file 'missing' is not defined", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_TrackOfBrokenScript_ReportsOnlyTheScript()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_script {\n a\n}") + "vrrp_script a {\n interval 2\n}\n");

        Assert.Equal("test.conf:8: vrrp_script 'a' has no 'script'", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_SyncGroupUnknownInstance_ReportsMemberLine()
    {
        var result = Conf.Parse(Group("G", "  VI_1\n  VI_9") + Conf.Instance("VI_1", 1));

        Assert.Equal("test.conf:4: vrrp_sync_group 'G': vrrp_instance 'VI_9' is not defined", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_InstanceInTwoSyncGroups_ReportsSecondNamingFirst()
    {
        var result = Conf.Parse(Group("G1", "  VI_1 VI_2") + Group("G2", "  VI_3\n  VI_2")
            + Conf.Instance("VI_1", 1) + Conf.Instance("VI_2", 2) + Conf.Instance("VI_3", 3));

        Assert.Equal(
            "test.conf:9: vrrp_instance 'VI_2' is already in vrrp_sync_group 'G1' at test.conf:3; an instance can be in one sync group only",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_InstanceListedTwiceInOneSyncGroup_Warns()
    {
        var result = Conf.Parse(Group("G", "  VI_1 VI_2\n  VI_1") + Conf.Instance("VI_1", 1) + Conf.Instance("VI_2", 2));

        Conf.NoErrors(result);
        Conf.HasWarning(result, 4, "vrrp_sync_group 'G': vrrp_instance 'VI_1' is listed twice (first at test.conf:3)");
    }

    [Theory]
    [InlineData("vrrp_sync_group G {\n group {\n }\n}\n")]
    [InlineData("vrrp_sync_group G {\n notify /bin/true\n}\n")]
    public void Parse_SyncGroupWithoutInstances_ReportsGroupLine(string text)
    {
        var result = Conf.Parse(text);

        Conf.HasError(result, 1, "vrrp_sync_group 'G' has no instances");
    }

    [Fact]
    public void Parse_SyncGroupWithOneInstance_WarnsAsKeepalived()
    {
        var result = Conf.Parse(Group("G", "  VI_1") + Conf.Instance("VI_1", 1));

        Conf.NoErrors(result);
        Assert.Equal("test.conf:1: warning: vrrp_sync_group 'G' has only 1 instance; a sync group is meant for several",
            Assert.Single(result.Warnings).ToString());
    }

    [Theory]
    [InlineData("track_script", "a weight 254")]
    [InlineData("track_interface", "eth1 weight -254")]
    [InlineData("track_file", "tf weight 1000 reverse")]
    public void Parse_TrackWeightOutOfRange_ReportsFileLine(string block, string line)
    {
        var result = Conf.Parse(Conf.Instance(body: $"{block} {{\n {line}\n}}") + ScriptA + "vrrp_track_file tf {\n file /tf\n}\n");

        Conf.HasError(result, 5, "is out of range (-253 to 253)");
    }

    [Fact]
    public void Parse_TrackInterfaceNameTooLong_ReportsFileLine()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_interface {\n eth0\n averyverylongname0\n}"));

        Assert.Equal("test.conf:6: track_interface: 'averyverylongname0' is longer than 15 characters", Assert.Single(result.Errors).ToString());
        Assert.Equal("eth0", Assert.Single(Assert.Single(result.Config.Instances).Tracks).Name);
    }

    [Fact]
    public void Parse_TrackInterfaceInvalidName_ReportsFileLine()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_interface {\n eth0/1\n}"));

        Conf.HasError(result, 5, "track_interface: 'eth0/1' is not a valid interface name");
    }

    [Fact]
    public void Parse_TrackListedTwice_Warns()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_interface {\n eth1\n}\ntrack_interface {\n eth1 weight 5\n}"));

        Conf.NoErrors(result);
        Conf.HasWarning(result, 8, "track_interface 'eth1' is listed twice (first at test.conf:5)");
    }

    [Fact]
    public void Parse_UntrackedVrrpScript_WarnsAtScriptLine()
    {
        var result = Conf.Parse(Conf.Instance() + ScriptA);

        Conf.NoErrors(result);
        Assert.Equal("test.conf:6: warning: vrrp_script 'a' is not tracked by any vrrp_instance; it will never run",
            Assert.Single(result.Warnings).ToString());
    }

    [Fact]
    public void Parse_TrackedVrrpScript_HasNoWarnings()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_script {\n a\n}") + ScriptA);

        Conf.NoErrors(result);
        Conf.NoWarnings(result);
    }

    [Theory]
    [InlineData("track_script {\n a weight 2\n}", true)]
    [InlineData("track_script {\n w\n}", true)]
    [InlineData("track_file {\n tf\n}", true)]
    [InlineData("track_interface {\n eth1 weight -1\n}", true)]
    [InlineData("track_script {\n a\n}", false)]
    [InlineData("track_script {\n w weight 0\n}", false)]
    [InlineData("track_interface {\n eth1\n}", false)]
    public void Parse_PriorityOwnerTrackingWithWeight_WarnsAtTrackLine(string tracks, bool warns)
    {
        var result = Conf.Parse(Conf.Instance(body: $"priority 255\n{tracks}")
            + ScriptA + "vrrp_script w {\n script /bin/w\n weight 10\n}\nvrrp_track_file tf {\n file /tf\n}\n");

        Conf.NoErrors(result);
        var warning = result.Warnings.Where(w => w.Message.Contains("address owner", StringComparison.Ordinal)).ToList();
        Assert.Equal(warns, warning.Count == 1);
        Assert.All(warning, w => Assert.Equal(
            "test.conf:6: warning: vrrp_instance 'VI_1': priority 255 (address owner) is never changed by tracking weights", w.ToString()));
    }
}
