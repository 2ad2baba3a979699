using System.Data.Common;
using System.Globalization;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>The clean tables are not there: the pipeline has not been run against this database.</summary>
public sealed class CleanTablesMissingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the two clean tables written by the search-log pipeline (and only those: enrichment trusts the pipeline's
/// invariants, e.g. every click has its request, instead of re-cleaning raw CSVs).
/// </summary>
public static class CleanLogReader
{
    /// <summary>
    /// Loads the clean logs from a SQLite file path or a connection string. A SQLite path that does not exist is an
    /// error here (opening it would silently create an empty database).
    /// </summary>
    public static CleanLog Read(string dbPathOrConnectionString)
    {
        var isFile = SearchLogDatabase.BackendOf(dbPathOrConnectionString) == DatabaseBackend.Sqlite
                     && !dbPathOrConnectionString.Contains('=');
        if (isFile && !File.Exists(dbPathOrConnectionString))
            throw new CleanTablesMissingException(
                $"The database '{Path.GetFullPath(dbPathOrConnectionString)}' does not exist; the search-log pipeline has not written it.");
        if (isFile) Workbook.Reports.DataLineage.Record(dbPathOrConnectionString);
        using var connection = SearchLogDatabase.Open(dbPathOrConnectionString); // a file that is not a database: InvalidDataException
        return Read(connection);
    }

    /// <summary>Loads every clean search and click from an open connection (SQLite or PostgreSQL).</summary>
    public static CleanLog Read(DbConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) connection.Open();
        RequireTable(connection, "clean_search_request");
        RequireTable(connection, "clean_search_result_interaction");

        var searches = new List<LoggedSearch>();
        foreach (var r in Rows(connection, "SELECT search_id, search_query, ts, total, cuid FROM clean_search_request"))
            searches.Add(new LoggedSearch(Text(r[0]), Text(r[1]), Utc(r[2], "clean_search_request.ts"),
                r[3] is null or DBNull ? -1 : Convert.ToInt64(r[3], CultureInfo.InvariantCulture), Text(r[4])));

        var clicks = new List<LoggedClick>();
        foreach (var r in Rows(connection, "SELECT search_id, cid, position, ts FROM clean_search_result_interaction"))
            clicks.Add(new LoggedClick(Text(r[0]), Text(r[1]),
                Convert.ToInt32(r[2], CultureInfo.InvariantCulture), Utc(r[3], "clean_search_result_interaction.ts")));
        return new CleanLog(searches, clicks);
    }

    private static void RequireTable(DbConnection connection, string table)
    {
        if (!SearchLogDatabase.TableExists(connection, table))
            throw new CleanTablesMissingException(
                $"The table '{table}' is missing from database '{connection.DataSource}'; the search-log pipeline has not run against it.");
    }

    private static IEnumerable<object?[]> Rows(DbConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            yield return row;
        }
    }

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static DateTime Utc(object? value, string field) => value switch
    {
        DateTime d => DateTime.SpecifyKind(d.ToUniversalTime(), DateTimeKind.Utc),
        DateTimeOffset o => o.UtcDateTime,
        _ => DateTime.TryParse(Text(value), CultureInfo.InvariantCulture,
                 DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
             ? t
             : throw new FormatException($"{field}: '{value}' is not an ISO-8601 timestamp."),
    };
}
