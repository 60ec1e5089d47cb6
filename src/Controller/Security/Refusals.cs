using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Pki;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace HaCluster.Controller.Security;

/// <summary>
/// What a refused caller is told, in one place: 401 (no usable credential) or 403 (a credential without the role), with
/// the reason — as RFC 7807 problem details on REST, and as a gRPC status (UNAUTHENTICATED / PERMISSION_DENIED) with the
/// reason as its message on gRPC. Every refusal is logged with the caller.
/// </summary>
internal sealed partial class Refusals(IProblemDetailsService problems, ControllerPki pki, Data.AuditRepository audit, TimeProvider clock, ILogger<Refusals> logger) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || IsRoutingRejection(context))
        {
            await next(context);
            return;
        }

        var challenged = authorizeResult.Challenged;
        var detail = challenged ? WhyUnauthenticated(context) : WhyForbidden(context, policy);
        LogRefused(logger, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "local", context.User.Describe(), detail);
        await audit.AddAsync(new Domain.AuditEvent(Domain.AuditActions.Refused, $"{context.Request.Method} {context.Request.Path}", context.Actor(), clock.GetUtcNow(), Detail: detail), context.RequestAborted);
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC answer: the client sees the status and the reason, not "HTTP status code 401".
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = challenged ? "16" : "7";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(detail);
            return;
        }

        context.Response.StatusCode = challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = challenged ? "Unauthorized" : "Forbidden", Detail = detail },
        });
    }

    /// <summary>
    /// Routing's own answer to a signed-in caller whose request matched a route but not its media type (415) or
    /// method (405): that endpoint carries no policy, so the fallback would call it "open to no role" (403), which
    /// hides the caller's real mistake. Anyone not signed in is still refused before learning that a route exists.
    /// </summary>
    private static bool IsRoutingRejection(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && context.GetEndpoint() is { } endpoint and not RouteEndpoint
        && endpoint.DisplayName is "415 HTTP Unsupported Media Type" or "405 HTTP Method Not Supported";

    private string WhyUnauthenticated(HttpContext context)
    {
        if (context.Items[CertificateSignIn.RefusalItem] is string refusal)
        {
            return refusal;
        }

        if (context.Connection.ClientCertificate is not { } certificate)
        {
            return "no credential: this controller takes a client certificate from its CA (agents: hacluster-agent enroll; "
                + "tools: hacluster-controller cert create), an API key or a session token (Authorization: Bearer ...; "
                + "POST /api/v1/session with a user name and password)";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(pki.ClientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.Build(certificate);
        var statuses = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var subject = certificate.Subject;
        return (statuses & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0
                ? $"the client certificate ({subject}) is not from this controller's CA"
            : (statuses & X509ChainStatusFlags.NotTimeValid) != 0
                ? $"the client certificate ({subject}) is not valid now (valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})"
            : $"the client certificate ({subject}) was refused: it is not a certificate for client authentication from this controller's CA";
    }

    private static string WhyForbidden(HttpContext context, AuthorizationPolicy policy)
    {
        var roles = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
        var who = context.User.Describe();
        return roles.Count == 0
            ? $"{who} may not call {context.Request.Path}: it is open to no role"
            : $"{who} may not call {context.Request.Path}: it takes the role {string.Join(" or ", roles)}"
                + (context.User.Role() == Shared.Vocabulary.Role.Agent ? " (an agent's certificate is for the agent link only)" : "");
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "refused {Method} {Path} from {Address} ({Who}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string address, string who, string reason);
}
