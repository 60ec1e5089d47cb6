using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class GroupValidatorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("web server")]
    [InlineData("web/1")]
    [InlineData("wéb")]
    public void Validate_BadName_ReportsName(string name)
    {
        OnlyError(Validate(Example with { Name = name }), "name", "name");
    }

    [Fact]
    public void Validate_NameOf65Characters_ReportsName()
    {
        OnlyError(Validate(Example with { Name = new string('a', 65) }), "name", "1–64 characters");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("web-1.prod_A")]
    public void Validate_AllowedName_HasNoErrors(string name)
    {
        NoErrors(Validate(Example with { Name = name }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-1)]
    public void Validate_VridOutOfRange_ReportsVrid(int vrid)
    {
        OnlyError(Validate(Example with { Vrid = vrid }), "vrid", "1–255");
    }

    [Theory]
    [InlineData("")]
    [InlineData("eth/0")]
    [InlineData("eth 0")]
    [InlineData("averyverylongif0")]
    public void Validate_BadInterfaceName_ReportsInterface(string name)
    {
        // A label derived from the bad name would fail too; keep the VIP without one.
        var group = WithVip(Example with { Interface = name }, new Vip("192.0.2.100/32"));

        OnlyError(Validate(group), "interface", "not a valid Linux interface name");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Validate_VersionNotTwoOrThree_ReportsVersion(int version)
    {
        OnlyError(Validate(Example with { Version = version }), "version", "2 or 3");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(256)]
    [InlineData(double.NaN)]
    public void Validate_V2AdvertNotWholeSeconds1To255_ReportsAdvertInterval(double seconds)
    {
        OnlyError(Validate(Example with { AdvertInterval = seconds }), "advertInterval", "whole seconds 1–255");
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.015)]
    [InlineData(40.96)]
    [InlineData(0)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_V3AdvertNotCentiseconds_ReportsAdvertInterval(double seconds)
    {
        var group = Example with { Version = 3, AuthPass = null, AdvertInterval = seconds };

        OnlyError(Validate(group), "advertInterval", "0.01–40.95");
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.07)]
    [InlineData(1)]
    [InlineData(40.95)]
    public void Validate_V3AdvertInCentiseconds_HasNoErrors(double seconds)
    {
        NoErrors(Validate(Example with { Version = 3, AuthPass = null, AdvertInterval = seconds }));
    }

    [Fact]
    public void Validate_V3WithAuthPass_ReportsAuthPass()
    {
        OnlyError(Validate(Example with { Version = 3 }), "authPass", "VRRPv3 has no authentication");
    }

    [Fact]
    public void Validate_AuthPassOver8Bytes_ReportsAuthPass()
    {
        OnlyError(Validate(Example with { AuthPass = "123456789" }), "authPass", "9 bytes");
    }

    [Fact]
    public void Validate_AuthPassOfFiveTwoByteCharacters_CountsBytesNotCharacters()
    {
        HasError(Validate(Example with { AuthPass = "ééééé" }), "authPass", "10 bytes");
    }

    [Theory]
    [InlineData("pa ss")]
    [InlineData("pa#ss")]
    [InlineData("pa!ss")]
    [InlineData("pa\"ss")]
    public void Validate_AuthPassKeepalivedCannotWrite_ReportsAuthPass(string pass)
    {
        OnlyError(Validate(Example with { AuthPass = pass }), "authPass", "printable ASCII");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000.5)]
    [InlineData(double.NaN)]
    public void Validate_PreemptDelayOutside0To1000_ReportsPreemptDelay(double seconds)
    {
        OnlyError(Validate(Example with { PreemptDelay = seconds }), "preemptDelay", "0–1000");
    }

    [Fact]
    public void Validate_PreemptDelayWithoutPreempt_ReportsPreemptDelay()
    {
        OnlyError(Validate(Example with { Preempt = false, PreemptDelay = 10 }), "preemptDelay", "no effect without preempt");
    }

    [Fact]
    public void Validate_NoPreemptWithoutDelay_HasNoErrors()
    {
        NoErrors(Validate(Example with { Preempt = false }));
    }

    [Fact]
    public void Validate_ManyProblems_ReportsAllTogether()
    {
        var group = new VipGroup("bad name", 0, "eth0", 3, 0.001, "secret", false, 2000,
            [new Vip("192.0.2.300"), new Vip("192.0.2.100", "eth0", "eth1:0")],
            [new Member("n1", "192.0.2.10", 100), new Member("n1", "192.0.2.10", 100)]);

        var errors = Validate(group);

        Assert.Equal(
            ["name", "vrid", "advertInterval", "preemptDelay", "authPass", "virtualIps[0].address", "virtualIps[1].label",
                "members[1].node", "members[1].address", "members[0].priority", "members[1].priority"],
            errors.Select(e => e.Path));
    }
}
