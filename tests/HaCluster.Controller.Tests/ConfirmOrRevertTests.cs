using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>Confirm-or-revert (VyOS's commit-confirm): a save with confirmWithin goes back by itself unless confirmed.</summary>
public sealed class ConfirmOrRevertTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private static readonly VipGroup App = Samples.Web with { Name = "app", Vrid = 29, VirtualIps = [new Vip("192.0.2.201/32")] };

    [Fact]
    public async Task Unconfirmed_GoesBackByItself_Confirmed_Stays_ALaterSaveConfirms_EachSaid()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        foreach (var group in new[] { Samples.Web, Samples.Db, App })
        {
            Assert.True((await client.PostAsync("/api/v1/groups", Samples.Json(group))).IsSuccessStatusCode);
        }

        var risky = await Put(client, Samples.Web with { Members = [Samples.Web.Members[0], Samples.Web.Members[1] with { Priority = 95 }] }, "10s");
        var kept = await Put(client, Samples.Db with { PreemptDelay = 3 }, "10s");
        var thenSaved = await Put(client, App with { PreemptDelay = 2 }, "10s");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/groups/db/confirm", null)).StatusCode);
        Assert.True((await client.PutAsync("/api/v1/groups/app", Samples.Json(App with { PreemptDelay = 4 }))).IsSuccessStatusCode);

        var confirmBy = risky.GetProperty("confirmBy").GetDateTimeOffset();
        Assert.InRange(confirmBy - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(11));
        Assert.Equal(confirmBy, (await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web")).GetProperty("confirmBy").GetDateTimeOffset());
        Assert.NotEqual(JsonValueKind.Undefined, kept.GetProperty("confirmBy").ValueKind);
        Assert.NotEqual(JsonValueKind.Undefined, thenSaved.GetProperty("confirmBy").ValueKind);

        var deadline = DateTime.UtcNow.AddSeconds(25);
        while ((await client.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? []).Length < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "web was not reverted");
            await Task.Delay(200); // polls until the controller's deadline check reverts it
        }

        var revisions = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? [];
        var web = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");
        Assert.Equal(("revert", "the controller (confirm-or-revert)"), (revisions[0].GetProperty("action").GetString(), revisions[0].GetProperty("who").GetString()));
        Assert.Contains("revision 2 by admin test-admin not confirmed within 00:00:10: back to revision 1", revisions[0].GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Equal(80, web.GetProperty("members")[1].GetProperty("priority").GetInt32());
        Assert.True(web.GetProperty("authPassSet").GetBoolean());
        Assert.False(web.TryGetProperty("confirmBy", out var by) && by.ValueKind != JsonValueKind.Null);
        var one = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/revisions/1");
        var three = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web/revisions/3");
        Assert.Equal(Hashes(one), Hashes(three));
        var events = await client.GetStringAsync("/api/v1/events?kind=operation&group=web");
        Assert.Contains("web: revision 2 by admin test-admin was not confirmed within 00:00:10: back to revision 1's desired state (revision 3)", events, StringComparison.Ordinal);

        // The confirmed one and the one saved again since were not touched.
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/db")).GetProperty("preemptDelay").GetDouble());
        Assert.Equal(4, (await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/app")).GetProperty("preemptDelay").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/groups/web/confirm", null)).StatusCode);
        var audit = await client.GetStringAsync("/api/v1/audit?target=db&limit=100");
        Assert.Contains("\"action\":\"confirm\"", audit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5s")]
    [InlineData("2d")]
    [InlineData("soon")]
    public async Task ConfirmWithin_OutOfRangeOrNotATime_400_OnACreate_400(string within)
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        Assert.True((await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).IsSuccessStatusCode);

        var update = await client.PutAsync("/api/v1/groups/web", Body(Samples.Web, within));
        var create = await client.PostAsync("/api/v1/groups", Body(Samples.Db, "5m"));

        Assert.Equal(["confirmWithin"], await Samples.ReadErrorPathsAsync(update));
        Assert.Equal(["confirmWithin"], await Samples.ReadErrorPathsAsync(create));
        Assert.Single(await client.GetFromJsonAsync<JsonElement[]>("/api/v1/groups/web/revisions") ?? []);
    }

    private static async Task<JsonElement> Put(HttpClient client, VipGroup group, string within)
    {
        var response = await client.PutAsync($"/api/v1/groups/{group.Name}", Body(group, within));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonContent Body(VipGroup group, string within) =>
        JsonContent.Create(GroupDocument.Of(group) with { ConfirmWithin = within }, GroupJsonContext.Default.GroupDocument);

    private static string Hashes(JsonElement revision) =>
        string.Join(",", revision.GetProperty("configs").EnumerateArray().OrderBy(c => c.GetProperty("node").GetString(), StringComparer.Ordinal).Select(c => c.GetProperty("hash").GetString()));
}
