using System.Data.Common;
using Workbook.AutoML;
using Workbook.SearchLogs;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Cli;

/// <summary>
/// The one place a verb's exception meets the user. A problem the user can fix (a bad or missing file, a refused
/// store, an unreachable database, a bad argument) is one line naming the verb, exit code 2. Anything else is a bug in
/// the workbook: one line too, exit code 1, and the stack trace only when WORKBOOK_TRACE=1 asks for it.
/// </summary>
internal static class CliErrors
{
    public const int UserError = 2;
    public const int InternalError = 1;
    public const int Cancelled = 130;

    public static bool IsUserError(Exception e) => e is InvalidDataException or IOException or UnauthorizedAccessException
        or ArgumentException or FormatException or ExperimentStoreException or SearchLogFormatException or CleanTablesMissingException
        or DbException or System.Text.Json.JsonException;

    // The library says what is wrong; which command helps is the CLI's to say.
    private static string Hint(Exception e) => e switch
    {
        CleanTablesMissingException => $" Run `{EnrichCli.PipelineCommand}` first.",
        ExperimentStoreException => " `automl list [--store PATH]` shows the stored experiments; --store PATH picks another store.",
        _ => "",
    };

    /// <summary>Prints <paramref name="e"/> for a user of <paramref name="verb"/> and returns the exit code.</summary>
    public static int Report(string verb, Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } one) e = one.InnerExceptions[0];
        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine($"{verb}: cancelled.");
            return Cancelled;
        }
        var message = e.Message.ReplaceLineEndings(" ") + Hint(e);
        if (IsUserError(e))
        {
            Console.Error.WriteLine($"{verb}: {message}");
            return UserError;
        }
        Console.Error.WriteLine($"{verb}: internal error ({e.GetType().Name}): {message}" +
                                (Environment.GetEnvironmentVariable("WORKBOOK_TRACE") == "1" ? Environment.NewLine + e : " (set WORKBOOK_TRACE=1 for the stack trace)"));
        return InternalError;
    }
}
