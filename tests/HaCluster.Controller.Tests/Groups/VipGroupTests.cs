using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using static HaCluster.Controller.Tests.Groups.GroupSamples;

namespace HaCluster.Controller.Tests.Groups;

public class VipGroupTests
{
    [Fact]
    public void Equals_SameValuesInOtherArrays_IsEqual()
    {
        var copy = Example with { VirtualIps = [.. Example.VirtualIps], Members = [.. Example.Members] };

        Assert.Equal(Example, copy);
        Assert.Equal(Example.GetHashCode(), copy.GetHashCode());
    }

    [Fact]
    public void Equals_OneMemberPriorityChanged_IsNotEqual()
    {
        Assert.NotEqual(Example, WithMember(Example, 1, Example.Members[1] with { Priority = 90 }));
    }

    [Fact]
    public void Equals_MissingAndEmptyLists_AreEqual()
    {
        Assert.Equal(new VipGroup("web", 27, "eth0"), new VipGroup("web", 27, "eth0", VirtualIps: [], Members: []));
    }
}
