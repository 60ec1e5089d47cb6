using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Tests.Vrrp;

public class VrrpTimersTests
{
    [Fact]
    public void SkewTime_V2Priority80_Is689Milliseconds_AsKeepalivedTakesOver()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(687.5), VrrpTimers.SkewTime(2, 80, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void SkewTime_V3ScalesWithTheMasterInterval()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(68.75), VrrpTimers.SkewTime(3, 80, TimeSpan.FromMilliseconds(100)));
    }

    [Theory]
    [InlineData(2, 100, 1000, 3609.375)]
    [InlineData(2, 80, 2000, 6687.5)]
    [InlineData(3, 100, 100, 360.9375)]
    [InlineData(3, 255, 1000, 3003.90625)]
    public void MasterDownInterval_IsThreeIntervalsPlusSkew(int version, byte priority, int intervalMs, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), VrrpTimers.MasterDownInterval(version, priority, TimeSpan.FromMilliseconds(intervalMs)));
    }
}
