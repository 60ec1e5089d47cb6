using Grpc.Core;
using HaCluster.Contracts;

namespace HaCluster.Dashboard.Extensions;

/// <summary><c>GET /download/{group}/{node}</c>: a member's rendered keepalived.conf (its password redacted) as a file, fetched from the controller as the signed-in person (the scoped client carries their token).</summary>
internal static class ConfigDownload
{
    public static void MapConfigDownload(this WebApplication app) =>
        app.MapGet("/download/{group}/{node}", async (string group, string node, Admin.AdminClient admin, CancellationToken ct) =>
        {
            try
            {
                var config = await admin.GetConfigAsync(new GetConfigRequest { Group = group, Node = node }, cancellationToken: ct);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(config.Text), "text/plain; charset=utf-8", $"keepalived-{group}-{node}.conf");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return Results.Problem(e.Status.Detail, statusCode: StatusCodes.Status404NotFound);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                return Results.Problem(e.Status.Detail, statusCode: e.StatusCode == StatusCode.Unauthenticated ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden);
            }
            catch (RpcException e)
            {
                return Results.Problem($"the controller is not reachable: {e.Status.Detail}", statusCode: StatusCodes.Status502BadGateway);
            }
        });
}
