using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>
/// The VRRP password is write-only: no read path returns it (REST, gRPC, Watch, validate-only, status, configs, the
/// audit); an edit that leaves it out keeps it, an empty one removes it; only the members' agents receive it.
/// </summary>
public sealed class SecretsTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Pass = "s3cretPw";

    [Fact]
    public async Task AuthPass_InNoReadPath_NotInTheAudit_OnlyTheMembersAgentsGetIt()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var agents = app.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"], ["eth0"]);
        await n1.NextConfigAsync(); // the empty config of a node in no group
        var client = app.CreateClient();
        using var channel = app.Channel();
        var admin = new Admin.AdminClient(channel);
        using var watch = admin.Watch(new WatchRequest());
        var group = Samples.Web with { AuthPass = Pass };

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v1/groups", Samples.Json(group))).StatusCode);
        var edited = group with { Members = [.. group.Members.Select(m => m with { Priority = m.Priority == 80 ? 90 : m.Priority })] };
        var preview = await admin.UpdateGroupAsync(new SaveGroupRequest { Group = Proto(edited), ValidateOnly = true });

        var texts = new List<string>
        {
            await client.GetStringAsync("/api/v1/groups"),
            await client.GetStringAsync("/api/v1/groups/web"),
            await client.GetStringAsync("/api/v1/groups/web/status"),
            await client.GetStringAsync("/api/v1/groups/web/config/n1"),
            (await admin.ListGroupsAsync(new ListGroupsRequest())).ToString(),
            (await admin.GetGroupAsync(new GroupRef { Name = "web" })).ToString(),
            (await admin.GetGroupStatusAsync(new GroupRef { Name = "web" })).ToString(),
            (await admin.GetConfigAsync(new GetConfigRequest { Group = "web", Node = "n1" })).ToString(),
            preview.ToString(),
        };
        Assert.True(await watch.ResponseStream.MoveNext());
        texts.Add(watch.ResponseStream.Current.ToString());
        var pushed = await n1.NextConfigAsync();
        var audit = await app.QueryAsync(db => db.AuditEntries.ToListAsync()); // every entry: group changes, certificates, sign-ins

        Assert.All(texts, t => Assert.DoesNotContain(Pass, t, StringComparison.Ordinal));
        Assert.Contains("\"authPassSet\":true", texts[1], StringComparison.Ordinal);
        Assert.Contains("auth_pass (redacted)", texts[3], StringComparison.Ordinal);
        Assert.True((await admin.GetGroupAsync(new GroupRef { Name = "web" })).AuthPassSet);
        Assert.Contains($"auth_pass {Pass}", pushed.Text, StringComparison.Ordinal);
        Assert.All(audit, a => Assert.DoesNotContain(Pass, (a.Before ?? "") + (a.After ?? ""), StringComparison.Ordinal));
        Assert.Contains("\"authPass\":\"(redacted)\"", audit.Single(a => a.Action == "create").After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_LeavingThePasswordOut_KeepsIt_AnEmptyOneRemovesIt_AChangedOneIsAuditedAsChanged()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var client = app.CreateClient();
        await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { AuthPass = Pass }));

        var kept = await client.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { AuthPass = null, Preempt = false }));
        var keptConfig = await StoredConfigAsync(app);
        var keptPass = (await app.Services.GetRequiredService<HaCluster.Controller.Groups.GroupService>().GetAsync("web", CancellationToken.None))!.Group.AuthPass;
        await client.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { AuthPass = "other123" }));
        var removed = await client.PutAsync("/api/v1/groups/web", Samples.Json(Samples.Web with { AuthPass = "" }));
        var removedConfig = await StoredConfigAsync(app);
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.GroupName == "web").OrderBy(a => a.Id).ToListAsync());

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Contains("auth_pass (redacted)", keptConfig, StringComparison.Ordinal); // history is redacted; the group keeps the password
        Assert.Equal(Pass, keptPass);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.DoesNotContain("auth_pass", removedConfig, StringComparison.Ordinal);
        Assert.Contains("\"authPass\":\"(redacted, changed)\"", audit[2].After, StringComparison.Ordinal);
        Assert.Contains("\"authPass\":null", audit[3].After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtRest_ThePasswordEncryptedWithDataProtection_KeyRingInTheDatabase_HistoryRedacted_ASecondControllerReadsIt()
    {
        var settings = sqlite.Backend.NewSettings();
        await using (var app = await ControllerApp.StartAsync(settings))
        {
            await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { AuthPass = Pass }));
            var row = await app.QueryAsync(db => db.Groups.SingleAsync());
            var revisions = await app.QueryAsync(db => db.ConfigRevisions.Select(r => r.Text).ToListAsync());
            var keys = await app.QueryAsync(db => db.DataProtectionKeys.CountAsync());

            Assert.DoesNotContain(Pass, row.Json, StringComparison.Ordinal);
            Assert.Contains("\"authPass\":\"dp1:", row.Json, StringComparison.Ordinal);
            Assert.All(revisions, t => Assert.DoesNotContain(Pass, t, StringComparison.Ordinal));
            Assert.All(revisions, t => Assert.Contains("auth_pass (redacted)", t, StringComparison.Ordinal));
            Assert.True(keys >= 1);
        }

        // Another controller process on the same database (a restart, or a second controller): the key ring is there.
        await using var again = await ControllerApp.StartAsync(settings);
        using var agents = again.Agents();
        await using var n1 = await SimulatedAgent.ConnectAsync(agents, "n1", ["192.0.2.10/24"], ["eth0"]);
        var config = await n1.NextConfigAsync();
        Assert.Contains($"auth_pass {Pass}", config.Text, StringComparison.Ordinal);
    }

    private static async Task<string> StoredConfigAsync(ControllerApp app) =>
        (await app.QueryAsync(db => db.ConfigRevisions.OrderByDescending(r => r.Revision).FirstAsync(r => r.Node == "n1"))).Text;

    private static Group Proto(VipGroup g)
    {
        var proto = new Group { Name = g.Name, Vrid = g.Vrid, Interface = g.Interface, Version = g.Version, AdvertInterval = g.AdvertInterval, Preempt = g.Preempt };
        proto.VirtualIps.AddRange(g.VirtualIps.Select(v => new GroupVip { Address = v.Address, Device = v.Device ?? "", Label = v.Label ?? "" }));
        proto.Members.AddRange(g.Members.Select(m => new GroupMember { Node = m.Node, Address = m.Address, Priority = m.Priority }));
        return proto;
    }
}
