using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>Every save a revision (who, when, how, why, the desired state and each member's config); a diff between two; a rollback to one.</summary>
public sealed class RevisionsTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task Saves_ListedNewestFirst_WithWhoAndWhy_ADiffShowsTheMemberThatChanged_RollbackRestoresTheStateAndTheConfigs()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await Send(client, HttpMethod.Post, "/api/v1/groups", Samples.Web, "first");
        await Send(client, HttpMethod.Put, "/api/v1/groups/web", Samples.Web with { Members = [Samples.Web.Members[0], Samples.Web.Members[1] with { Priority = 95 }] }, "n2 up to 95");
        await Send(client, HttpMethod.Put, "/api/v1/groups/web", Samples.Web with { PreemptDelay = 2 }, null);

        var list = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? [];
        var one = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/revisions/1");
        var diff = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/revisions/1/diff/2");
        var rollback = await client.PostAsJsonAsync("/api/v1/groups/web/rollback", new { to = 1 });
        var four = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/revisions/4");
        var current = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");

        Assert.Equal([3, 2, 1], list.Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal(["update", "update", "create"], list.Select(r => r.GetProperty("action").GetString()));
        Assert.Equal([null, "n2 up to 95", "first"], list.Select(r => r.GetProperty("comment").GetString()));
        Assert.All(list, r => Assert.Equal("test-admin", r.GetProperty("who").GetString()));
        Assert.Equal(80, one.GetProperty("group").GetProperty("members")[1].GetProperty("priority").GetInt32());
        Assert.False(one.GetProperty("group").TryGetProperty("authPass", out var pass) && pass.ValueKind == JsonValueKind.String);
        Assert.Equal(2, one.GetProperty("configs").GetArrayLength());
        Assert.Contains("auth_pass (redacted)", one.GetProperty("configs")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        Assert.True(diff.GetProperty("groupChanged").GetBoolean());
        var n1 = diff.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("node").GetString() == "n1").GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        var n2 = diff.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("node").GetString() == "n2").GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.DoesNotContain(n1, l => l.StartsWith('+') || l.StartsWith('-'));
        Assert.Contains("-     priority 80", n2);
        Assert.Contains("+     priority 95", n2);

        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal("rollback", four.GetProperty("action").GetString());
        Assert.Equal("rollback to revision 1", four.GetProperty("comment").GetString());
        Assert.Equal(0, current.GetProperty("preemptDelay").GetDouble());
        Assert.Equal(80, current.GetProperty("members")[1].GetProperty("priority").GetInt32());
        // The password was kept (a rollback never touches secrets), and every member's config is revision 1's again.
        Assert.True(current.GetProperty("authPassSet").GetBoolean());
        Assert.Equal(Hashes(one), Hashes(four));
        Assert.Equal(Hashes(one), await app.QueryAsync(db => Task.FromResult(
            string.Join(",", db.ConfigRevisions.Where(c => c.GroupName == "web" && c.Revision == 4).OrderBy(c => c.Node).Select(c => c.Hash)))));
    }

    [Fact]
    public async Task Rollback_ToNoSuchRevision_404_WithoutTo_400_ALongComment_400_OfNoGroup_404()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await Send(client, HttpMethod.Post, "/api/v1/groups", Samples.Web, null);

        var missing = await client.PostAsJsonAsync("/api/v1/groups/web/rollback", new { to = 7 });
        var without = await client.PostAsJsonAsync("/api/v1/groups/web/rollback", new { });
        var longComment = await client.PostAsJsonAsync("/api/v1/groups/web/rollback", new { to = 1, comment = new string('x', 501) });
        var noGroup = await client.GetAsync("/api/v1/groups/nope/revisions");
        var badNumber = await client.GetAsync("/api/v1/groups/web/revisions/x");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("has no revision 7", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longComment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noGroup.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badNumber.StatusCode);
    }

    private static string Hashes(JsonElement revision) =>
        string.Join(",", revision.GetProperty("configs").EnumerateArray().OrderBy(c => c.GetProperty("node").GetString(), StringComparer.Ordinal).Select(c => c.GetProperty("hash").GetString()));

    private static async Task Send(HttpClient client, HttpMethod method, string path, VipGroup group, string? comment)
    {
        var body = JsonSerializer.Serialize(GroupDocument.Of(group) with { Comment = comment }, GroupJsonContext.Default.GroupDocument);
        var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
