using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Every endpoint the controller serves — read from ASP.NET Core's endpoint data source, REST routes and gRPC methods
/// alike — against every kind of caller: no credential (401 / UNAUTHENTICATED), a role too small (403 /
/// PERMISSION_DENIED), enough (neither). An endpoint missing from the table below fails the test: a new route is
/// decided here, or it does not ship.
/// </summary>
public sealed class EndpointRoleTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    /// <summary>Who may call what. Agent: the agent link only; Nobody: the fallback policy (gRPC's catch-alls).</summary>
    public enum Access
    {
        Anonymous,
        Agent,
        Viewer,
        Operator,
        Admin,
        Nobody,
    }

    private static readonly HaCluster.Controller.Domain.Actor Test = new("test", "admin");

    private static readonly Dictionary<string, Access> Table = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = Access.Anonymous,
        ["GET /readyz"] = Access.Anonymous,
        ["POST /api/v1/session"] = Access.Anonymous,
        ["gRPC hacluster.v1.Enrollment/GetCa"] = Access.Anonymous,
        ["gRPC hacluster.v1.Enrollment/Enroll"] = Access.Anonymous,
        ["gRPC hacluster.v1.AgentLink/Connect"] = Access.Agent,
        ["GET /metrics"] = Access.Viewer,
        ["GET /openapi/{documentName}.json"] = Access.Viewer,
        ["GET /api/v1/me"] = Access.Viewer,
        ["GET /api/v1/groups/"] = Access.Viewer,
        ["GET /api/v1/groups/{name}"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/config/{node}"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/status"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/events"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/revisions"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/revisions/{revision}"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/revisions/{revision}/diff/{other}"] = Access.Viewer,
        ["GET /api/v1/nodes"] = Access.Viewer,
        ["GET /api/v1/nodes/{name}"] = Access.Viewer,
        ["GET /api/v1/events"] = Access.Viewer,
        ["GET /api/v1/nodes/{name}/maintenance/preview"] = Access.Viewer,
        ["POST /api/v1/groups/{name}/switchover"] = Access.Operator,
        ["POST /api/v1/groups/{name}/drill"] = Access.Operator,
        ["GET /api/v1/groups/{name}/drills"] = Access.Viewer,
        ["GET /api/v1/drills"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/RunDrill"] = Access.Operator,
        ["gRPC hacluster.v1.Admin/ListDrills"] = Access.Viewer,
        ["POST /api/v1/nodes/{name}/maintenance"] = Access.Operator,
        ["DELETE /api/v1/nodes/{name}/maintenance"] = Access.Operator,
        ["gRPC hacluster.v1.Admin/ListGroups"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/GetGroup"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/GetGroupStatus"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/GetConfig"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/ListNodes"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/ListEvents"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/Watch"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/PreviewMaintenance"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/ListRevisions"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/DiffRevisions"] = Access.Viewer,
        ["gRPC hacluster.v1.Admin/Switchover"] = Access.Operator,
        ["gRPC hacluster.v1.Admin/StartMaintenance"] = Access.Operator,
        ["gRPC hacluster.v1.Admin/EndMaintenance"] = Access.Operator,
        ["gRPC hacluster.v1.Admin/Rollback"] = Access.Admin,
        ["gRPC hacluster.v1.Admin/ConfirmGroup"] = Access.Admin,
        ["POST /api/v1/groups/"] = Access.Admin,
        ["PUT /api/v1/groups/{name}"] = Access.Admin,
        ["DELETE /api/v1/groups/{name}"] = Access.Admin,
        ["POST /api/v1/groups/{name}/rotate-key"] = Access.Admin,
        ["POST /api/v1/groups/{name}/rollback"] = Access.Admin,
        ["POST /api/v1/groups/{name}/confirm"] = Access.Admin,
        ["POST /api/v1/tokens"] = Access.Admin,
        ["POST /api/v1/nodes/{name}/revoke"] = Access.Admin,
        ["GET /api/v1/users"] = Access.Admin,
        ["POST /api/v1/users"] = Access.Admin,
        ["PUT /api/v1/users/{name}"] = Access.Admin,
        ["DELETE /api/v1/users/{name}"] = Access.Admin,
        ["GET /api/v1/apikeys"] = Access.Admin,
        ["POST /api/v1/apikeys"] = Access.Admin,
        ["DELETE /api/v1/apikeys/{id}"] = Access.Admin,
        ["GET /api/v1/audit"] = Access.Admin,
        ["GET /api/v1/alerts"] = Access.Viewer,
        ["GET /api/v1/events/{id}/why"] = Access.Viewer,
        ["GET /api/v1/groups/{name}/analytics"] = Access.Viewer,
        ["GET /api/v1/incidents"] = Access.Viewer,
        ["GET /api/v1/quiet"] = Access.Viewer,
        ["POST /api/v1/incidents/{id}/acknowledge"] = Access.Operator,
        ["PUT /api/v1/groups/{name}/quiet"] = Access.Operator,
        ["DELETE /api/v1/groups/{name}/quiet"] = Access.Operator,
        ["GET /api/v1/alert-channels/"] = Access.Admin,
        ["PUT /api/v1/alert-channels/{name}"] = Access.Admin,
        ["DELETE /api/v1/alert-channels/{name}"] = Access.Admin,
        ["POST /api/v1/alert-channels/{name}/test"] = Access.Admin,
        ["gRPC hacluster.v1.Admin/CreateGroup"] = Access.Admin,
        ["gRPC hacluster.v1.Admin/UpdateGroup"] = Access.Admin,
        ["gRPC hacluster.v1.Admin/DeleteGroup"] = Access.Admin,
    };

    [Fact]
    public async Task EveryEndpoint_EveryCaller_401Or403OrServed_AsTheTableSays()
    {
        await using var app = await ControllerApp.StartBareAsync(sqlite.Backend.NewSettings());
        var keys = app.Services.GetRequiredService<HaCluster.Controller.Security.ApiKeys>();
        async Task<Credential> KeyAsync(Role role) => new(null, (await keys.CreateAsync("key-" + role.ToString().ToLowerInvariant(), role, Test, CancellationToken.None)).Key);
        // Each role by certificate and by API key (sessions of local users go the same way: AccessTests).
        var callers = new List<(Access Access, string How, Credential Credential)>
        {
            (Access.Anonymous, "nothing", new(null, null)),
            (Access.Agent, "certificate", new(await app.IssueAsync("n1", Role.Agent), null)),
            (Access.Viewer, "certificate", new(await app.IssueAsync("vera", Role.Viewer), null)),
            (Access.Operator, "certificate", new(await app.IssueAsync("otto", Role.Operator), null)),
            (Access.Admin, "certificate", new(app.AdminCertificate, null)),
            (Access.Viewer, "API key", await KeyAsync(Role.Viewer)),
            (Access.Operator, "API key", await KeyAsync(Role.Operator)),
            (Access.Admin, "API key", await KeyAsync(Role.Admin)),
        };

        var endpoints = Endpoints(app);
        var unknown = endpoints.Select(e => e.Key).Where(k => !Table.ContainsKey(k) && !k.Contains("{unimplemented", StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 0, "endpoints without a decision in the table: " + string.Join(", ", unknown));
        var gone = Table.Keys.Except(endpoints.Select(e => e.Key)).ToList();
        Assert.True(gone.Count == 0, "table entries the controller no longer serves: " + string.Join(", ", gone));

        var wrong = new List<string>();
        foreach (var (key, call) in endpoints)
        {
            var access = Table.TryGetValue(key, out var a) ? a : Access.Nobody;
            foreach (var (caller, how, credential) in callers)
            {
                var expected = Expected(access, caller);
                var actual = await call(app, credential);
                if (actual != expected)
                {
                    wrong.Add($"{key} as {caller} by {how}: {actual}, expected {expected}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>A client certificate, a bearer token, or neither.</summary>
    public sealed record Credential(X509Certificate2? Certificate, string? Bearer);

    private enum Answer
    {
        Unauthenticated,
        Forbidden,
        Served,
    }

    private static Answer Expected(Access access, Access caller) => access switch
    {
        Access.Anonymous => Answer.Served,
        _ when caller == Access.Anonymous => Answer.Unauthenticated,
        Access.Agent => caller == Access.Agent ? Answer.Served : Answer.Forbidden,
        Access.Nobody => Answer.Forbidden,
        _ => caller != Access.Agent && caller >= access ? Answer.Served : Answer.Forbidden,
    };

    private static List<KeyValuePair<string, Func<ControllerApp, Credential, Task<Answer>>>> Endpoints(ControllerApp app)
    {
        var list = new List<KeyValuePair<string, Func<ControllerApp, Credential, Task<Answer>>>>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc)
            {
                var method = grpc.Method;
                list.Add(new($"gRPC {method.ServiceName}/{method.Name}", (a, c) => CallGrpcAsync(a, c, method.ServiceName, method.Name, method.Type)));
                continue;
            }

            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            foreach (var verb in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                list.Add(new($"{verb} {pattern}", (a, c) => CallRestAsync(a, c, verb, pattern)));
            }
        }

        return list;
    }

    private static async Task<Answer> CallRestAsync(ControllerApp app, Credential credential, string verb, string pattern)
    {
        using var client = app.Client(credential.Certificate);
        if (credential.Bearer is { } bearer)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{documentName\}", "v1");
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "x");
        using var request = new HttpRequestMessage(new HttpMethod(verb), path);
        if (verb is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode switch
        {
            HttpStatusCode.Forbidden when await IsRefusalAsync(response) => Answer.Forbidden,
            HttpStatusCode.Unauthorized when await IsRefusalAsync(response) => Answer.Unauthenticated,
            _ => Answer.Served,
        };
    }

    /// <summary>A refusal by authorization (not a 401 the endpoint itself answers, as sign-in does for a wrong password).</summary>
    private static async Task<bool> IsRefusalAsync(HttpResponseMessage response)
    {
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString() ?? "";
        return detail.StartsWith("no credential", StringComparison.Ordinal) || detail.Contains(" may not call ", StringComparison.Ordinal);
    }

    private static async Task<Answer> CallGrpcAsync(ControllerApp app, Credential credential, string service, string name, MethodType type)
    {
        using var channel = app.Channel(credential.Certificate);
        var marshaller = Marshallers.Create(static (byte[] b) => b, static b => b);
        var method = new Method<byte[], byte[]>(type, service, name, marshaller, marshaller);
        var headers = credential.Bearer is { } bearer ? new Metadata { { "Authorization", "Bearer " + bearer } } : null;
        var options = new CallOptions(headers, deadline: DateTime.UtcNow.AddSeconds(3));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, options, []))
                    {
                        await call.ResponseStream.MoveNext();
                    }

                    break;
                default:
                    using (var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseStream.MoveNext();
                    }

                    break;
            }

            return Answer.Served;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && e.Status.Detail.StartsWith("no credential", StringComparison.Ordinal))
        {
            return Answer.Unauthenticated;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied && e.Status.Detail.Contains(" may not call ", StringComparison.Ordinal))
        {
            return Answer.Forbidden;
        }
        catch (RpcException)
        {
            return Answer.Served; // the method itself answered (a bad request, no such group, a deadline): authorization let it through
        }
    }
}
