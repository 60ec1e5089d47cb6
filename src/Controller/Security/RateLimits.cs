using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>
/// ASP.NET Core rate limiting, each over a minute (then 429 as problem details, with Retry-After): every request per
/// signed-in caller, or per source address when it has no credential (before it is refused, so a flood of refusals is
/// bounded too); sign-in attempts per address. The health endpoints are not limited.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";

    public static IServiceCollection AddControllerRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccessOptions>>((o, access) =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.Identity?.IsAuthenticated == true
                    ? RateLimitPartition.GetFixedWindowLimiter("caller " + context.User.Describe(),
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = access.Value.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetFixedWindowLimiter("address " + (context.Connection.RemoteIpAddress?.ToString() ?? "local"),
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = access.Value.AnonymousRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = access.Value.SignInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = 429,
                        Title = "Too many requests",
                        Detail = context.HttpContext.User.Identity?.IsAuthenticated == true
                            ? $"too many requests from {context.HttpContext.User.Describe()}: try again in {retry.TotalSeconds:0} s"
                            : $"too many attempts from this address: try again in {retry.TotalSeconds:0} s",
                    },
                });
            };
        });
        return services;
    }
}
