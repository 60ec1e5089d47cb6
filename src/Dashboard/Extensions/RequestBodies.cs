using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace HaCluster.Dashboard.Extensions;

/// <summary>
/// Every request body the dashboard takes (a posted form, a Blazor hub send) is read whole before its endpoint runs —
/// at most <see cref="BodyLimit"/>, in memory — so that a client's framing mistake gets its own status as problem
/// details, wherever it was sent: a body over the limit 413, bad chunking 400, a body slower or shorter than it said
/// 408; and a form endpoint (one that validates an antiforgery token) sent anything but a form 415. Left to them,
/// antiforgery and SignalR turn each of these into a bare 400 that hides what was wrong.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Every request body's cap (Kestrel's limit): a sign-in form is a few hundred bytes, a hub message at most 32 KiB.</summary>
    public const int BodyLimit = 64 * 1024;

    public static WebApplication UseRequestBodies(this WebApplication app)
    {
        app.Use(static async (context, next) =>
        {
            if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
            {
                await next(context);
                return;
            }

            var takesForm = context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true };
            if (takesForm && !context.Request.HasFormContentType)
            {
                await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "a form is posted as application/x-www-form-urlencoded or multipart/form-data");
                return;
            }

            try
            {
                context.Request.EnableBuffering(bufferThreshold: BodyLimit, bufferLimit: BodyLimit);
                await context.Request.Body.DrainAsync(context.RequestAborted);
                context.Request.Body.Position = 0;
                if (takesForm)
                {
                    // Cached on the request: antiforgery and the endpoint read this same form.
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
            }
            catch (BadHttpRequestException e)
            {
                await ProblemAsync(context, e.StatusCode, e.Message);
                return;
            }
            catch (InvalidDataException e)
            {
                // A form over FormOptions' limits (value length, count) or a malformed multipart body.
                await ProblemAsync(context, StatusCodes.Status400BadRequest, e.Message);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static Task ProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        }).AsTask();
    }
}
