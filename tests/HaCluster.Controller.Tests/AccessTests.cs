using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Security;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>
/// People and automation signing in: local users with sessions (lockout, rate limit, sessions ended by a password or
/// role change), API keys (roles, revocation), on REST and gRPC alike, against the real Kestrel host.
/// </summary>
public sealed class AccessTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private const string Password = "correct horse battery";
    private static readonly HaCluster.Controller.Domain.Actor Test = new("test", "admin");

    [Fact]
    public async Task LocalUser_SignsIn_SessionTokenWorksOnRestAndGrpc_AsItsRole()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        await Users(app).CreateAsync("alice", Role.Viewer, Password, Test, CancellationToken.None);

        var session = await SignInAsync(app, "alice", Password);
        using var client = Bearer(app, session.GetProperty("token").GetString()!);
        using var channel = app.Channel(null);
        var headers = new Metadata { { "Authorization", "Bearer " + session.GetProperty("token").GetString() } };

        Assert.Equal(("alice", "viewer"), (session.GetProperty("user").GetString(), session.GetProperty("role").GetString()));
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(("alice", "viewer", "session"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/groups")).StatusCode);
        var write = await client.PostAsJsonAsync("/api/v1/groups", new { name = "web" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("viewer alice may not call /api/v1/groups: it takes the role admin", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await new Admin.AdminClient(channel).ListGroupsAsync(new ListGroupsRequest(), headers)).Groups);
        var denied = await Assert.ThrowsAsync<RpcException>(() => new Admin.AdminClient(channel).DeleteGroupAsync(new GroupRef { Name = "web" }, headers).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task WrongPassword_AndUnknownUser_SameAnswer_ThenLockedOutAfterFiveInARow_EvenWithTheRightPassword()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        await Users(app).CreateAsync("bob", Role.Operator, Password, Test, CancellationToken.None);
        using var anonymous = app.Client(null);

        var unknown = await anonymous.PostAsJsonAsync("/api/v1/session", new { user = "nobody", password = Password });
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/api/v1/session", new { user = "bob", password = "not the password" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            answers.Add((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!);
        }

        var right = await anonymous.PostAsJsonAsync("/api/v1/session", new { user = "bob", password = Password });

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("wrong user name or password", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.All(answers.Take(4), a => Assert.Equal("wrong user name or password", a));
        Assert.StartsWith("bob is locked out after 5 failed sign-ins until ", answers[4], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.StartsWith("bob is locked out", (await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull((await Users(app).ListAsync(CancellationToken.None)).Single(u => u.Name == "bob").LockedUntil);
    }

    [Fact]
    public async Task SignIns_RateLimitedPerAddress_429WithRetryAfter()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Auth:SignInsPerMinute"] = "3" };
        await using var app = await ControllerApp.StartBareAsync(settings);
        using var anonymous = app.Client(null);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add((await anonymous.PostAsJsonAsync("/api/v1/session", new { user = "x", password = "y" })).StatusCode);
        }

        var limited = await anonymous.PostAsJsonAsync("/api/v1/session", new { user = "x", password = "y" });
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.StartsWith("too many attempts from this address", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_RateLimitedPerCaller_AnotherCallerUnaffected_AnonymousPerAddress_HealthNever()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Auth:RequestsPerMinute"] = "5", ["Auth:AnonymousRequestsPerMinute"] = "3" };
        await using var app = await ControllerApp.StartBareAsync(settings);
        using var admin = app.CreateClient();
        using var vera = app.Client(await app.IssueAsync("vera", Role.Viewer));
        using var anonymous = app.Client(null);

        var adminCodes = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            adminCodes.Add((await admin.GetAsync("/api/v1/groups")).StatusCode);
        }

        var veraCode = (await vera.GetAsync("/api/v1/groups")).StatusCode;
        var anonymousCodes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            anonymousCodes.Add((await anonymous.GetAsync("/api/v1/groups")).StatusCode);
        }

        var health = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            health.Add((await anonymous.GetAsync("/healthz")).StatusCode);
        }

        var limited = await admin.GetAsync("/api/v1/groups");
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], adminCodes);
        Assert.Equal(HttpStatusCode.OK, veraCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], anonymousCodes);
        Assert.All(health, c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.StartsWith("too many requests from admin test-admin: try again in ", await DetailAsync(limited), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordOrRoleChanged_EarlierSessionsEnd_WithWhy_AndADeletedUsersToo()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        var users = Users(app);
        await users.CreateAsync("carol", Role.Admin, Password, Test, CancellationToken.None);
        await users.CreateAsync("dave", Role.Viewer, Password, Test, CancellationToken.None);
        using var carol = Bearer(app, (await SignInAsync(app, "carol", Password)).GetProperty("token").GetString()!);
        using var dave = Bearer(app, (await SignInAsync(app, "dave", Password)).GetProperty("token").GetString()!);

        Assert.Equal(HttpStatusCode.NoContent, (await carol.PutAsJsonAsync("/api/v1/users/dave", new { role = "operator" })).StatusCode);
        var ended = await dave.GetAsync("/api/v1/groups");
        await users.UpdateAsync("carol", null, "another long password", Test, CancellationToken.None);
        var carolEnded = await carol.GetAsync("/api/v1/groups");
        using var daveAgain = Bearer(app, (await SignInAsync(app, "dave", Password)).GetProperty("token").GetString()!);
        var asOperator = await daveAgain.GetFromJsonAsync<JsonElement>("/api/v1/me");
        await users.DeleteAsync("dave", Test, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Equal("the password or role of dave changed since this session began: sign in again", await DetailAsync(ended));
        Assert.Equal("the password or role of carol changed since this session began: sign in again", await DetailAsync(carolEnded));
        Assert.Equal("operator", asOperator.GetProperty("role").GetString());
        Assert.Equal("user dave no longer exists", await DetailAsync(await daveAgain.GetAsync("/api/v1/groups")));
    }

    [Fact]
    public async Task Users_ManagedByAdmins_PasswordsBounded_LastAdminKept_NoHashInAnyAnswer()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        using var admin = app.CreateClient();

        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name = "erin", role = "admin", password = Password });
        var tooShort = await admin.PostAsJsonAsync("/api/v1/users", new { name = "frank", role = "viewer", password = "short" });
        var agentRole = await admin.PostAsJsonAsync("/api/v1/users", new { name = "frank", role = "agent", password = Password });
        var twice = await admin.PostAsJsonAsync("/api/v1/users", new { name = "erin", role = "viewer", password = Password });
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/users/admin")).StatusCode); // the first start's
        var lastAdmin = await admin.PutAsJsonAsync("/api/v1/users/erin", new { role = "viewer" });
        var list = await admin.GetStringAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("a password has 12 to 256 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("a user's role is viewer, operator or admin, not 'agent'", await agentRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("there is already a user erin", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, lastAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.DeleteAsync("/api/v1/users/erin")).StatusCode);
        Assert.Contains("erin is the last admin: make another admin first", await lastAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"erin\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", list, StringComparison.Ordinal); // Identity's hash prefix (format marker 0x01, base64)
        Assert.DoesNotContain("password", list, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Issue 12: a join token is printed once; the database keeps only the SHA-256 of its secret.</summary>
    [Fact]
    public async Task JoinToken_ShownOnce_StoredHashed_NeverListed()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        using var admin = app.CreateClient();

        var created = await (await admin.PostAsJsonAsync("/api/v1/tokens", new { node = "n1" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(HaCluster.Shared.Tls.JoinToken.TryParse(created.GetProperty("token").GetString(), out var token));
        var stored = await app.QueryAsync(db => Task.FromResult(db.JoinTokens.Single()));
        var audit = await admin.GetStringAsync("/api/v1/audit?limit=1000");

        Assert.Equal((token.Id, "n1"), (stored.Id, stored.Node));
        Assert.Equal(HaCluster.Shared.Tls.JoinToken.HashSecret(token.Secret), stored.SecretHash);
        Assert.DoesNotContain(token.Secret, stored.SecretHash, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Secret, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_ShownOnce_StoredHashed_WorksAsItsRoleOnRestAndGrpc_RevokedRefusedWithWhy()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        using var admin = app.CreateClient();
        var created = await (await admin.PostAsJsonAsync("/api/v1/apikeys", new { name = "ci", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("info").GetProperty("id").GetString()!;
        using var automation = Bearer(app, key);
        using var channel = app.Channel(null);
        var headers = new Metadata { { "Authorization", "Bearer " + key } };

        var read = await automation.GetAsync("/api/v1/groups");
        var write = await automation.DeleteAsync("/api/v1/groups/web");
        var grpcRead = await new Admin.AdminClient(channel).ListGroupsAsync(new ListGroupsRequest(), headers);
        var listed = await admin.GetStringAsync("/api/v1/apikeys");
        var stored = await app.QueryAsync(db => Task.FromResult(db.ApiKeys.Single()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/apikeys/{id}")).StatusCode);
        var revoked = await automation.GetAsync("/api/v1/groups");
        var wrongSecret = await Bearer(app, key[..^4] + "AAAA").GetAsync("/api/v1/groups");

        Assert.StartsWith("hck_" + id + "_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Empty(grpcRead.Groups);
        Assert.DoesNotContain(key[21..], listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key[21..], stored.SecretHash, StringComparison.Ordinal);
        Assert.Equal(64, stored.SecretHash.Length);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.StartsWith($"API key {id} (ci) was revoked at ", await DetailAsync(revoked), StringComparison.Ordinal);
        Assert.Equal("unknown API key", await DetailAsync(wrongSecret));
    }

    [Fact]
    public async Task FirstStart_AdminWithARandomPasswordInA0600File_NamedOnTheConsole_NeverLogged_ItSignsIn()
    {
        var dataDir = Directory.CreateTempSubdirectory("hc-first-").FullName;
        var url = $"https://127.0.0.1:{FreePort.Next()}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll"));
        info.Environment["Kestrel__Endpoints__Web__Url"] = url;
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = $"https://127.0.0.1:{FreePort.Next()}";
        info.Environment["Storage__DataDir"] = dataDir;
        info.Environment.Remove(Security.Users.PasswordVariable);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var file = Path.Combine(dataDir, "admin-password");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(file) || File.ReadAllText(file).Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no admin-password file");
                await Task.Delay(100); // waits for the controller process to start
            }

            var password = File.ReadAllText(file).Trim();
            var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDir, "pki", "ca.crt")));
            using var client = TlsClients.Http(new Uri(url), ca, null);
            var session = await client.PostAsJsonAsync("/api/v1/session", new { user = "admin", password });
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();

            Assert.Equal(PrivateFilesMode, File.GetUnixFileMode(file));
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            Assert.Contains($"hacluster-controller: first start: user 'admin' created; its password is in {file} (0600)", await stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(password, await stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(password, await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task FirstStart_PasswordFromTheEnvironment_NoFileWritten_AndASecondStartCreatesNobody()
    {
        var dataDir = Directory.CreateTempSubdirectory("hc-first-").FullName;
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Storage__DataDir"] = dataDir,
                ["Kestrel__Endpoints__Web__Url"] = $"https://127.0.0.1:{FreePort.Next()}",
                ["Kestrel__Endpoints__Grpc__Url"] = $"https://127.0.0.1:{FreePort.Next()}",
                [Security.Users.PasswordVariable] = "from the environment variable",
            };
            var first = await RunBrieflyAsync(environment);
            environment[Security.Users.PasswordVariable] = "another one";
            var second = await RunBrieflyAsync(environment);

            Assert.Contains("hacluster-controller: first start: user 'admin' created with the password from HACLUSTER_ADMIN_PASSWORD", first, StringComparison.Ordinal);
            Assert.DoesNotContain("first start", second, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "admin-password")));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Starts the controller, waits until it said what a start says (its listeners up), stops it; its stderr.</summary>
    private static async Task<string> RunBrieflyAsync(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll"));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.Contains("Application started", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the controller did not start");
        }

        await Task.Delay(500); // lets the first start's line (written right after the listeners open) reach stderr
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return await stderr;
    }

    private const UnixFileMode PrivateFilesMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static Users Users(ControllerApp app) => app.Services.GetRequiredService<Users>();

    private static HttpClient Bearer(ControllerApp app, string token)
    {
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> SignInAsync(ControllerApp app, string user, string password)
    {
        using var anonymous = app.Client(null);
        var response = await anonymous.PostAsJsonAsync("/api/v1/session", new { user, password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
}
