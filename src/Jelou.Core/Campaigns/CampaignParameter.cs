using System.Globalization;

namespace Jelou.Campaigns
{
    /// <summary>
    /// One entry of a campaign's parameter map: the template placeholder <c>{{Position}}</c> takes its value from the CSV
    /// column <see cref="Column"/>. Sent as <c>params: [{"param": 1, "column": "nombre"}]</c> (jelou-api.md §5.2).
    /// </summary>
    public sealed class CampaignParameter
    {
        /// <summary>Creates an entry.</summary>
        /// <param name="position">The placeholder's number, from 1.</param>
        /// <param name="column">The CSV header name that fills it.</param>
        public CampaignParameter(int position, string column)
        {
            if (position < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(position), position, "A placeholder position starts at 1 ({{1}}).");
            }

            if (string.IsNullOrWhiteSpace(column))
            {
                throw new ArgumentException("The column name of {{" + position.ToString(CultureInfo.InvariantCulture) + "}} is empty.", nameof(column));
            }

            Position = position;
            Column = column.Trim();
        }

        /// <summary>The placeholder's number: 1 for <c>{{1}}</c>.</summary>
        public int Position { get; }

        /// <summary>The CSV column (header name) whose cells fill the placeholder.</summary>
        public string Column { get; }

        /// <summary>The placeholder as a template writes it.</summary>
        public string Placeholder => "{{" + Position.ToString(CultureInfo.InvariantCulture) + "}}";

        /// <inheritdoc />
        public override string ToString() => Placeholder + " = " + Column;
    }
}
