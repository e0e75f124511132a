/** The tabular shape of reports and exports; defined in core (storage declares report columns). */
export * from '../../core/report/table.js';
