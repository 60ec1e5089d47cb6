using System.Net;
using System.Text;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>Bad input answers with problem details at GroupValidator's JSON paths and leaves the store untouched.</summary>
public abstract class GroupsValidationTests(IStorageBackend backend)
{
    private const string Groups = "/api/v1/groups";

    [SkippableFact]
    public async Task Post_SeveralBadFields_NamesEveryOneAndSavesNothing()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var bad = Samples.Web with
        {
            Vrid = 0,
            VirtualIps = [new Vip("192.0.2.300")],
            Members = [new Member("n1", "192.0.2.10", 100), new Member("n2", "192.0.2.11", 100)],
        };

        var response = await app.CreateClient().PostAsync(Groups, Samples.Json(bad));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = await Samples.ReadErrorPathsAsync(response);
        Assert.Contains("vrid", paths);
        Assert.Contains("virtualIps[0].address", paths);
        Assert.Contains("members[1].priority", paths);
        Assert.Equal((0, 0, 0), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Post_VridUsedByAnotherGroupOnSharedNode_VridErrorAndOnlyFirstSaved()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));

        var response = await client.PostAsync(Groups, Samples.Json(Samples.Db with { Vrid = Samples.Web.Vrid }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["vrid"], await Samples.ReadErrorPathsAsync(response));
        Assert.Equal((1, 2, 1), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Post_ConcurrentGroupsWithOneVrid_ExactlyOneSaved()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        var groups = Enumerable.Range(1, 8).Select(i => Samples.Web with
        {
            Name = $"g{i}",
            VirtualIps = [new Vip($"192.0.2.{100 + i}/32")],
        });

        var responses = await Task.WhenAll(groups.Select(g => client.PostAsync(Groups, Samples.Json(g))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal((1, 2, 1), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Put_VipClaimedByAnotherGroup_VipErrorAndNothingChanged()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));
        await client.PostAsync(Groups, Samples.Json(Samples.Db));

        var response = await client.PutAsync($"{Groups}/db", Samples.Json(Samples.Db with { VirtualIps = Samples.Web.VirtualIps }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["virtualIps[0].address"], await Samples.ReadErrorPathsAsync(response));
        Assert.Equal((2, 4, 2), await app.CountRowsAsync());
        Assert.Equal(Samples.Public(Samples.Db), await Samples.ReadGroupAsync(await client.GetAsync($"{Groups}/db")));
    }

    [SkippableFact]
    public async Task Post_MalformedJson_BadRequestProblemAndNothingSaved()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var body = new StringContent("""{"name":"web","vrid":"twenty""", Encoding.UTF8, "application/json");

        var response = await app.CreateClient().PostAsync(Groups, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["vrid"], await Samples.ReadErrorPathsAsync(response));
        Assert.Equal((0, 0, 0), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Post_DuplicateName_ConflictProblem()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));

        var response = await client.PostAsync(Groups, Samples.Json(Samples.Web with { Vrid = 99 }));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        (await Samples.ReadProblemAsync(response)).Dispose();
        Assert.Equal((1, 2, 1), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Put_NameDiffersFromRoute_NameErrorAndNothingChanged()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync(Groups, Samples.Json(Samples.Web));

        var response = await client.PutAsync($"{Groups}/web", Samples.Json(Samples.Web with { Name = "other" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["name"], await Samples.ReadErrorPathsAsync(response));
        Assert.Equal((1, 2, 1), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Put_UnknownGroup_NotFoundProblem()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());

        var response = await app.CreateClient().PutAsync($"{Groups}/web", Samples.Json(Samples.Web));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        (await Samples.ReadProblemAsync(response)).Dispose();
        Assert.Equal((0, 0, 0), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Post_AgainstWhatTheAgentsReported_UnknownNodeForeignAddressMissingInterface_AllNamed()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        var bad = Samples.Web with
        {
            Interface = "ens33",
            Members = [new Member("n1", "192.0.2.99", 100), new Member("n9", "192.0.2.19", 80)],
        };

        var response = await app.CreateClient().PostAsync(Groups, Samples.Json(bad));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["interface", "members[0].address", "members[1].node"], (await Samples.ReadErrorPathsAsync(response)).Order());
        Assert.Equal((0, 0, 0), await app.CountRowsAsync());
    }

    [SkippableFact]
    public async Task Post_ConflictWithAGroupAnotherControllerSaved_StillFoundInTheDatabase()
    {
        await using var app = await ControllerApp.StartAsync(backend.NewSettings());
        await app.QueryAsync(async db =>
        {
            // Written by another controller on the same database: this one's memory has never seen it.
            var json = System.Text.Json.JsonSerializer.Serialize(GroupDocument.Of(Samples.Web), GroupJsonContext.Default.GroupDocument);
            db.Groups.Add(new HaCluster.Controller.Data.Entities.GroupEntity { Name = "web", Json = json, Revision = 1 });
            return await db.SaveChangesAsync();
        });

        var response = await app.CreateClient().PostAsync(Groups, Samples.Json(Samples.Web with { Name = "web2" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("vrid", await Samples.ReadErrorPathsAsync(response));
    }
}
