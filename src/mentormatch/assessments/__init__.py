"""Assessments: questionnaires defined as data (BARC-10 first) and a newcomer's answers."""
