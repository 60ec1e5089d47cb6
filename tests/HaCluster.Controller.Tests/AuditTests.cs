using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Security;
using HaCluster.Controller.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Every change, sign-in and refused call in the audit, with who (from authentication), role, source address, request
/// id, time, and a diff with secrets redacted; read by admins with filters.
/// </summary>
public sealed class AuditTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task GroupPutByASessionUser_AuditedWithSubjectRoleAddressRequestId_AndARedactedDiff()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        await app.Services.GetRequiredService<Users>().CreateAsync("alice", HaCluster.Shared.Vocabulary.Role.Admin, Password, Actor.CommandLine, CancellationToken.None);
        using var alice = await SessionAsync(app, "alice");
        await alice.PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { AuthPass = "pw123456" }));
        // A forwarded address from a proxy nobody configured: ignored.
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/groups/web") { Content = Samples.Json(Samples.Web with { AuthPass = "pw654321", Preempt = false }) };
        put.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var response = await alice.SendAsync(put);

        var entries = await app.CreateClient().GetFromJsonAsync<JsonElement[]>("/api/v1/audit?action=update&target=web");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(entries!);
        Assert.Equal(("alice", "admin", "127.0.0.1"), (entry.GetProperty("who").GetString(), entry.GetProperty("role").GetString(), entry.GetProperty("address").GetString()));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("requestId").GetString()));
        Assert.Contains("\"preempt\":true", entry.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"preempt\":false", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"authPass\":\"(redacted, changed)\"", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw", entry.GetRawText().Replace("\"preempt", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersKeysTokensRevocations_SignIns_AndRefusals_AllAudited_NoSecretInAny()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var admin = app.CreateClient();
        await admin.PostAsJsonAsync("/api/v1/users", new { name = "bob", role = "viewer", password = Password });
        await admin.PutAsJsonAsync("/api/v1/users/bob", new { password = "another long password" });
        var key = await (await admin.PostAsJsonAsync("/api/v1/apikeys", new { name = "ci", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>();
        var token = await (await admin.PostAsJsonAsync("/api/v1/tokens", new { node = "n1" })).Content.ReadFromJsonAsync<JsonElement>();
        await app.Client(null).PostAsJsonAsync("/api/v1/session", new { user = "bob", password = "wrong password!" });
        using var bob = await SessionAsync(app, "bob", "another long password");
        await bob.DeleteAsync("/api/v1/groups/web");
        await app.Client(null).GetAsync("/api/v1/nodes");

        var all = await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/audit?limit=1000");
        var lines = all!.Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} by {e.GetProperty("role").GetString()} {e.GetProperty("who").GetString()}").ToList();

        Assert.Contains("user.create bob by admin test-admin", lines);
        Assert.Contains("user.update bob by admin test-admin", lines);
        Assert.Contains($"apikey.create {key.GetProperty("info").GetProperty("id").GetString()} by admin test-admin", lines);
        Assert.Contains("token.create n1 by admin test-admin", lines);
        Assert.Contains("sign-in.failed bob by anonymous bob", lines);
        Assert.Contains("sign-in bob by viewer bob", lines);
        Assert.Contains("refused DELETE /api/v1/groups/web by viewer bob", lines);
        Assert.Contains("refused GET /api/v1/nodes by anonymous anonymous", lines);
        var text = string.Join("\n", all!.Select(e => e.GetRawText()));
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("another long password", text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.GetProperty("key").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(token.GetProperty("token").GetString()!, text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/audit?from=yesterday")).StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromAConfiguredProxy_IsTheSourceAddress()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Proxies:Known:0"] = "127.0.0.1" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var refused = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes");
        refused.Headers.Add("X-Forwarded-For", "203.0.113.9");
        await app.Client(null).SendAsync(refused);

        var entry = (await app.CreateClient().GetFromJsonAsync<JsonElement[]>("/api/v1/audit?action=refused"))!.First();

        Assert.Equal("203.0.113.9", entry.GetProperty("address").GetString());
    }

    private static async Task<HttpClient> SessionAsync(ControllerApp app, string user, string password = Password)
    {
        var session = await (await app.Client(null).PostAsJsonAsync("/api/v1/session", new { user, password })).Content.ReadFromJsonAsync<JsonElement>();
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return client;
    }
}
