using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;

namespace HaCluster.Controller.Tests.Infrastructure;

internal static class Samples
{
    /// <summary>The nodes the sample groups use, with the address each member has on its eth0.</summary>
    public static IReadOnlyList<(string Node, string Address)> Nodes { get; } = [("n1", "192.0.2.10"), ("n2", "192.0.2.11"), ("n3", "192.0.2.12")];

    public static VipGroup Web { get; } = new(
        "web", 27, "eth0", 2, 1.0, "1111", true, 0,
        [new Vip("192.0.2.100/32", "eth0", "eth0:0")],
        [new Member("n1", "192.0.2.10", 100), new Member("n2", "192.0.2.11", 80)]);

    /// <summary>Shares node n1 and interface eth0 with <see cref="Web"/>, so it must differ in VRID and VIPs.</summary>
    public static VipGroup Db { get; } = Web with
    {
        Name = "db",
        Vrid = 28,
        VirtualIps = [new Vip("192.0.2.200/32")],
        Members = [new Member("n1", "192.0.2.10", 100), new Member("n3", "192.0.2.12", 90)],
    };

    public static JsonContent Json(VipGroup group) => JsonContent.Create(GroupDocument.Of(group), GroupJsonContext.Default.GroupDocument);

    /// <summary>The group as read paths show it: the password write-only.</summary>
    public static VipGroup Public(VipGroup group) => group with { AuthPass = null };

    public static async Task<VipGroup?> ReadGroupAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(GroupJsonContext.Default.GroupDocument))?.ToGroup();

    public static async Task<List<VipGroup>?> ReadGroupsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(GroupJsonContext.Default.ListGroupDocument))?.Select(d => d.ToGroup()).ToList();

    /// <summary>The problem document's <c>errors</c> keys (JSON paths), checking the media type on the way.</summary>
    public static async Task<IReadOnlyList<string>> ReadErrorPathsAsync(HttpResponseMessage response)
    {
        using var problem = await ReadProblemAsync(response);
        return problem.RootElement.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().Select(p => p.Name).ToList()
            : [];
    }

    public static async Task<JsonDocument> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
