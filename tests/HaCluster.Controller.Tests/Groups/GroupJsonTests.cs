using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Tests.Groups;

public class GroupJsonTests
{
    private static VipGroup Deserialize(string json)
    {
        var document = JsonSerializer.Deserialize(json, GroupJsonContext.Default.GroupDocument);
        Assert.NotNull(document);
        return document.ToGroup();
    }

    [Fact]
    public void Deserialize_ApiExample_BindsEveryValue()
    {
        var group = Deserialize(GroupSamples.ExampleJson);

        Assert.Equal(("web", 27, "eth0", 2, 1.0, "1111", true, 0.0),
            (group.Name, group.Vrid, group.Interface, group.Version, group.AdvertInterval, group.AuthPass, group.Preempt, group.PreemptDelay));
        Assert.Equal([.. GroupSamples.Example.VirtualIps], group.VirtualIps.ToArray());
        Assert.Equal([.. GroupSamples.Example.Members], group.Members.ToArray());
        Assert.Equal(GroupSamples.Example, group);
    }

    [Fact]
    public void Validate_ApiExample_HasNoErrors()
    {
        GroupSamples.NoErrors(GroupSamples.Validate(Deserialize(GroupSamples.ExampleJson), nodes: GroupSamples.ExampleNodes()));
    }

    [Fact]
    public void Serialize_Example_WritesCamelCaseThatReadsBack()
    {
        var json = JsonSerializer.Serialize(GroupDocument.Of(GroupSamples.Example), GroupJsonContext.Default.GroupDocument);

        Assert.Contains("\"advertInterval\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"virtualIps\":[{\"address\":\"192.0.2.100/32\"", json, StringComparison.Ordinal);
        Assert.Equal(GroupSamples.Example, Deserialize(json));
    }

    [Fact]
    public void Deserialize_List_ReadsEveryGroup()
    {
        var groups = JsonSerializer.Deserialize($"[{GroupSamples.ExampleJson},{GroupSamples.ExampleJson.Replace("\"web\"", "\"db\"", StringComparison.Ordinal)}]",
            GroupJsonContext.Default.ListGroupDocument)!.Select(d => d.ToGroup()).ToList();

        Assert.Equal(["web", "db"], groups!.Select(g => g.Name));
    }

    [Fact]
    public void Deserialize_OptionalFieldsLeftOut_TakesKeepalivedDefaults()
    {
        var group = Deserialize("""{"name":"web","vrid":27,"interface":"eth0"}""");

        Assert.Equal((2, 1.0, null, true, 0.0), (group.Version, group.AdvertInterval, group.AuthPass, group.Preempt, group.PreemptDelay));
    }

    [Fact]
    public void Validate_EmptyJsonObject_ReportsErrorsWithoutThrowing()
    {
        var errors = GroupSamples.Validate(Deserialize("{}"));

        Assert.Equal(["name", "vrid", "interface", "virtualIps", "members"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_NullEntriesInArrays_ReportsThemAtTheirIndex()
    {
        var errors = GroupSamples.Validate(Deserialize(
            """{"name":"web","vrid":27,"interface":"eth0","virtualIps":[null],"members":[null,{"node":null,"address":null,"priority":10}]}"""));

        GroupSamples.HasError(errors, "virtualIps[0]", "not null");
        GroupSamples.HasError(errors, "members[0]", "not null");
        GroupSamples.HasError(errors, "members[1].node", "required");
        GroupSamples.HasError(errors, "members[1].address", "not a unicast IPv4 address");
    }
}
