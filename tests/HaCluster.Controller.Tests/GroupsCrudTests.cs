using System.Net;
using HaCluster.Controller.Data;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Tests;

/// <summary>Create, read, update and delete through the REST API, run once per storage provider.</summary>
public abstract class GroupsCrudTests(IStorageBackend backend)
{
    private const string Groups = "/api/v1/groups";

    [SkippableFact]
    public async Task Post_ValidGroup_CreatedThenReadableAndListed()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();

        var created = await client.PostAsync(Groups, Samples.Json(Samples.Web));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/groups/web", created.Headers.Location?.OriginalString);
        Assert.Equal(Samples.Public(Samples.Web), await Samples.ReadGroupAsync(created));
        Assert.Equal(Samples.Public(Samples.Web), await Samples.ReadGroupAsync(await client.GetAsync(created.Headers.Location)));
        Assert.Equal([Samples.Public(Samples.Web)], await Samples.ReadGroupsAsync(await client.GetAsync(Groups)));
        Assert.Equal((1, 2, 1), await app.CountRowsAsync());
        var audit = await app.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.Create));
        Assert.Equal((AuditActions.Create, "web", "test-admin", null), (audit.Action, audit.GroupName, audit.Who, audit.Before));
        Assert.Contains("\"vrid\":27", audit.After, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Put_ChangedGroup_BumpsRevisionAndStoresEachMembersConfig()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));
        var changed = Samples.Web with { Vrid = 42 };

        var updated = await client.PutAsync($"{Groups}/web", Samples.Json(changed));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(Samples.Public(changed), await Samples.ReadGroupAsync(updated));
        Assert.Equal(2, await app.QueryAsync(db => db.Groups.Select(g => g.Revision).SingleAsync()));
        var revisions = await app.QueryAsync(db => db.ConfigRevisions.Where(r => r.Revision == 2).OrderBy(r => r.Node).ToListAsync());
        Assert.Equal(["n1", "n2"], revisions.Select(r => r.Node));
        AssertUnicast(revisions[0].Text, self: "192.0.2.10", peer: "192.0.2.11");
        AssertUnicast(revisions[1].Text, self: "192.0.2.11", peer: "192.0.2.10");
        Assert.All(revisions, r => Assert.Contains("virtual_router_id 42", r.Text, StringComparison.Ordinal));
        // The hash is of the config the member's agent runs; the stored text is that config with auth_pass redacted.
        Assert.All(revisions, r => Assert.Equal(GroupRenderer.Hash(GroupRenderer.RenderFor(changed, r.Node)), r.Hash));
        Assert.All(revisions, r => Assert.Equal(Secrets.RedactConfig(GroupRenderer.RenderFor(changed, r.Node)), r.Text));
        Assert.Equal((1, 4, 2), await app.CountRowsAsync());
        var audit = await app.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.Update));
        Assert.Contains("\"vrid\":27", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"vrid\":42", audit.After, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Delete_ExistingGroup_NoContentThenNotFound()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));

        var deleted = await client.DeleteAsync($"{Groups}/web");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var after = await client.GetAsync($"{Groups}/web");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        (await Samples.ReadProblemAsync(after)).Dispose();
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Groups}/web")).StatusCode);
        Assert.Empty(await Samples.ReadGroupsAsync(await client.GetAsync(Groups)) ?? [null!]);
        var audit = await app.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.Delete));
        Assert.Null(audit.After);
        Assert.NotNull(audit.Before);
    }

    [SkippableFact]
    public async Task Post_AfterDelete_RecreatesWithNextRevisionAndKeepsHistory()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));
        await client.DeleteAsync($"{Groups}/web");

        var recreated = await client.PostAsync(Groups, Samples.Json(Samples.Web with { Vrid = 30 }));

        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
        Assert.Equal(2, await app.QueryAsync(db => db.Groups.Select(g => g.Revision).SingleAsync()));
        Assert.Equal((1, 4, 3), await app.CountRowsAsync());
        var config = await client.GetStringAsync($"{Groups}/web/config/n1");
        Assert.Contains("virtual_router_id 30", config, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GetConfig_Member_ReturnsRenderedTextAndNonMemberIsNotFound()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));

        var config = await client.GetAsync($"{Groups}/web/config/n2");
        var stranger = await client.GetAsync($"{Groups}/web/config/n9");
        var noGroup = await client.GetAsync($"{Groups}/nope/config/n1");

        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal("text/plain", config.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Secrets.RedactConfig(GroupRenderer.RenderFor(Samples.Web, "n2")), await config.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        (await Samples.ReadProblemAsync(stranger)).Dispose();
        Assert.Equal(HttpStatusCode.NotFound, noGroup.StatusCode);
    }

    [SkippableFact]
    public async Task Get_UnknownGroup_NotFoundProblem()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());

        var response = await app.CreateClient().GetAsync($"{Groups}/missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = await Samples.ReadProblemAsync(response);
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [SkippableFact]
    public async Task Probes_DatabaseReachable_HealthyReadyAndOpenApiServed()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/groups/{name}/config/{node}", openApi, StringComparison.Ordinal);
        Assert.Contains("#/components/schemas/Member", openApi, StringComparison.Ordinal);
    }

    private static void AssertUnicast(string text, string self, string peer)
    {
        Assert.Contains($"unicast_src_ip {self}", text, StringComparison.Ordinal);
        var peers = text[text.IndexOf("unicast_peer {", StringComparison.Ordinal)..];
        Assert.Contains(peer, peers[..peers.IndexOf('}', StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.DoesNotContain(self, peers[..peers.IndexOf('}', StringComparison.Ordinal)], StringComparison.Ordinal);
    }
}
