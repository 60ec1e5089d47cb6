using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Tests.Groups;

/// <summary>The API's example group and helpers so each test reads as one change plus the error it expects.</summary>
internal static class GroupSamples
{
    public const string ExampleJson =
        """{"name":"web","vrid":27,"interface":"eth0","version":2,"advertInterval":1.0,"authPass":"1111","preempt":true,"preemptDelay":0,"virtualIps":[{"address":"192.0.2.100/32","device":"eth0","label":"eth0:0"}],"members":[{"node":"n1","address":"192.0.2.10","priority":100},{"node":"n2","address":"192.0.2.11","priority":80}]}""";

    public static VipGroup Example { get; } = new(
        "web", 27, "eth0", 2, 1.0, "1111", true, 0,
        [new Vip("192.0.2.100/32", "eth0", "eth0:0")],
        [new Member("n1", "192.0.2.10", 100), new Member("n2", "192.0.2.11", 80)]);

    public static VipGroup ThreeMembers { get; } = Example with
    {
        Members = [.. Example.Members, new Member("n3", "192.0.2.12", 60)],
    };

    /// <summary>The example's members and interfaces as agents would report them.</summary>
    public static Dictionary<string, NodeFacts> ExampleNodes() => new()
    {
        ["n1"] = new NodeFacts(["192.0.2.10/24", "127.0.0.1/8"], ["lo", "eth0"]),
        ["n2"] = new NodeFacts(["192.0.2.11/24"], ["lo", "eth0"]),
    };

    public static IReadOnlyList<GroupError> Validate(
        VipGroup group, IReadOnlyCollection<VipGroup>? others = null, IReadOnlyDictionary<string, NodeFacts>? nodes = null) =>
        GroupValidator.Validate(group, others ?? [], nodes);

    public static VipGroup WithMember(VipGroup group, int index, Member member) =>
        group with { Members = [.. group.Members.Select((m, i) => i == index ? member : m)] };

    public static VipGroup WithVip(VipGroup group, Vip vip) => group with { VirtualIps = [vip] };

    public static GroupError HasError(IReadOnlyList<GroupError> errors, string path, string fragment)
    {
        var match = errors.FirstOrDefault(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.True(match is not null, $"expected an error at {path} containing '{fragment}', got:\n{Dump(errors)}");
        return match!;
    }

    /// <summary>Exactly one error, at <paramref name="path"/>: the rule under test and nothing else fired.</summary>
    public static GroupError OnlyError(IReadOnlyList<GroupError> errors, string path, string fragment)
    {
        Assert.True(errors.Count == 1, $"expected one error at {path}, got:\n{Dump(errors)}");
        return HasError(errors, path, fragment);
    }

    public static void NoErrors(IReadOnlyList<GroupError> errors) =>
        Assert.True(errors.Count == 0, $"unexpected errors:\n{Dump(errors)}");

    private static string Dump(IReadOnlyList<GroupError> errors) =>
        errors.Count == 0 ? "(no errors)" : string.Join('\n', errors);
}
