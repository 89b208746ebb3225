"""CMSLIB: the CMS macros a user program assembles with (their source text).

reference/cp-cms.md 12.1-12.4 and guests/cms/nucfunc.py give the parameter
lists these macros build; the R6 CMS Command and Macro Reference (GC20-1818)
names the macros and their operands. The expansions are this system's own
(best estimates), written in the macro language guests/cms/assembler
implements:

* ``WRTERM 'text'`` or ``WRTERM addr,len`` (``COLOR=B|R``), and ``TYPLIN``
  the same: SVC 202 with the TYPLIN list;
* ``RDTERM buffer[,LENGTH=n]`` (``EDIT=YES`` upper-cases): WAITRD, the length
  read in R0;
* ``FSCB 'fn ft fm',BUFFER=,BSIZE=,RECFM=,NOREC=,RECNO=``: the 44-byte FSCB;
* ``FSREAD FSWRITE FSCLOSE FSSTATE FSERASE FSOPEN`` with ``'fn ft fm'`` (an
  FSCB of their own) or ``FSCB=label``, and ``BUFFER= BSIZE= ERROR=``:
  the FSCB function word, then SVC 202 (ERROR=label gets control when R15
  is not zero; without it the program goes on and tests R15);
* ``LINEDIT TEXT='...'[,DOT=YES|NO][,COMP=YES|NO][,DISP=TYPE|ERRMSG|...]``:
  SVC 203 with the DMSERR list (substitutions are not offered: an MNOTE
  says so);
* ``REGEQU`` (R0-R15 EQU 0-15), and the OS-style ``SAVE (14,12)`` and
  ``RETURN (14,12)[,RC=n|(15)]``.

Until the CMS system disk carries a CMSLIB MACLIB (the install does not
write one yet), ASSEMBLE searches these after the GLOBAL MACLIBs.
"""

from __future__ import annotations

__all__ = ["CMSLIB", "cmslib_member"]

_WRTERM = """\
         MACRO
&L       WRTERM &TEXT,&LEN,&COLOR=B,&EDIT=YES
&L       LA    1,WRP&SYSNDX
         SVC   202
         DC    AL4(1)
         B     WRE&SYSNDX
WRP&SYSNDX DC  CL8'TYPLIN'
         AIF   ('&TEXT'(1,1) EQ '''').LIT
         AIF   ('&TEXT' EQ '').NOTEXT
         DC    X'01',AL3(&TEXT)
         AIF   ('&LEN' EQ '').IMPL
         DC    C'&COLOR',X'00',AL2(&LEN)
         AGO   .END
.IMPL    DC    C'&COLOR',X'00',AL2(L'&TEXT)
         AGO   .END
.LIT     DC    X'01',AL3(WRT&SYSNDX)
         DC    C'&COLOR',X'00',AL2(WRL&SYSNDX)
WRT&SYSNDX DC  C&TEXT
WRL&SYSNDX EQU *-WRT&SYSNDX
         AGO   .END
.NOTEXT  MNOTE 8,'WRTERM NEEDS A TEXT OR AN ADDRESS'
.END     ANOP
WRE&SYSNDX DS  0H
         MEND
"""

_TYPLIN = """\
         MACRO
&L       TYPLIN &TEXT,&LEN,&COLOR=B
&L       WRTERM &TEXT,&LEN,COLOR=&COLOR
         MEND
"""

_RDTERM = """\
         MACRO
&L       RDTERM &BUF,&LENGTH=,&EDIT=YES
         AIF   ('&BUF' NE '').OK
         MNOTE 8,'RDTERM NEEDS A BUFFER'
         MEXIT
.OK      ANOP
&L       LA    1,RDP&SYSNDX
         SVC   202
         DC    AL4(1)
         B     RDE&SYSNDX
RDP&SYSNDX DC  CL8'WAITRD'
         DC    X'01',AL3(&BUF)
         AIF   ('&EDIT' EQ 'NO').RAW
         DC    C'U'
         AGO   .SIZE
.RAW     DC    X'00'
.SIZE    AIF   ('&LENGTH' EQ '').IMPL
         DC    AL3(&LENGTH)
         AGO   .END
.IMPL    DC    AL3(L'&BUF)
.END     ANOP
RDE&SYSNDX DS  0H
         MEND
"""

_FSCB = """\
         MACRO
&L       FSCB  &FILEID,&BUFFER=,&BSIZE=0,&RECFM=F,&NOREC=1,&RECNO=0
         LCLA  &I,&P
         LCLC  &W,&C,&FN,&FT,&FM
         AIF   ('&FILEID' EQ '').SPLIT
&W       SETC  '&FILEID'(2,K'&FILEID-2)
&P       SETA  1
.LOOP    ANOP
&I       SETA  &I+1
         AIF   (&I GT K'&W).SPLIT
&C       SETC  '&W'(&I,1)
         AIF   ('&C' EQ ' ').BLANK
         AIF   (&P GT 1).NOT1
&FN      SETC  '&FN'.'&C'
         AGO   .LOOP
.NOT1    AIF   (&P GT 2).NOT2
&FT      SETC  '&FT'.'&C'
         AGO   .LOOP
.NOT2    ANOP
&FM      SETC  '&FM'.'&C'
         AGO   .LOOP
.BLANK   AIF   (&P EQ 1 AND '&FN' EQ '').LOOP
         AIF   (&P EQ 2 AND '&FT' EQ '').LOOP
&P       SETA  &P+1
         AGO   .LOOP
.SPLIT   AIF   ('&FM' NE '').MODE
&FM      SETC  'A1'
.MODE    ANOP
&L       DS    0F
         DC    CL8' '
         DC    CL8'&FN',CL8'&FT',CL2'&FM'
         DC    AL2(&RECNO)
         AIF   ('&BUFFER' EQ '').NOBUF
         DC    A(&BUFFER)
         AGO   .SIZE
.NOBUF   DC    A(0)
.SIZE    DC    F'&BSIZE'
         DC    CL1'&RECFM',X'00',AL2(&NOREC),F'0'
         MEND
"""

_FSFUNCTION = """\
         MACRO
&L       FSFUNC &FUNC,&FILEID,&FSCB=,&BUFFER=,&BSIZE=,&RECFM=F,&NOREC=1,&ERROR=
         AIF   ('&FSCB' NE '').GIVEN
         AIF   ('&FILEID' NE '').INLINE
         MNOTE 8,'A FILEID OR FSCB= IS REQUIRED'
         MEXIT
.INLINE  ANOP
&L       LA    1,FSB&SYSNDX
         B     FSA&SYSNDX
         AIF   ('&BUFFER' EQ '').NOBUF
FSB&SYSNDX FSCB &FILEID,BUFFER=&BUFFER,BSIZE=&BSIZE,RECFM=&RECFM,NOREC=&NOREC
         AGO   .CALL
.NOBUF   ANOP
FSB&SYSNDX FSCB &FILEID,BSIZE=0,RECFM=&RECFM,NOREC=&NOREC
         AGO   .CALL
.GIVEN   ANOP
&L       LA    1,&FSCB
         AIF   ('&BUFFER' EQ '').BSIZE
         LA    0,&BUFFER
         ST    0,28(,1)
.BSIZE   AIF   ('&BSIZE' EQ '').NOA
         LA    0,&BSIZE
         ST    0,32(,1)
.NOA     B     FSA&SYSNDX
.CALL    ANOP
FSN&SYSNDX DC  CL8'&FUNC'
FSA&SYSNDX MVC 0(8,1),FSN&SYSNDX
         SVC   202
         AIF   ('&ERROR' EQ '').NOERR
         DC    AL4(&ERROR)
         MEXIT
.NOERR   DC    AL4(1)
         MEND
"""


def _function(macro: str, function: str) -> str:
    return f"""\
         MACRO
&L       {macro:<6} &FILEID,&FSCB=,&BUFFER=,&BSIZE=,&RECFM=F,&NOREC=1,&ERROR=
&L       FSFUNC {function},&FILEID,FSCB=&FSCB,BUFFER=&BUFFER,BSIZE=&BSIZE,{""
}RECFM=&RECFM,NOREC=&NOREC,ERROR=&ERROR
         MEND
"""


_LINEDIT = """\
         MACRO
&L       LINEDIT &TEXT=,&DOT=YES,&COMP=YES,&DISP=TYPE,&SUB=
         LCLA  &OPT
         AIF   ('&SUB' EQ '').NOSUB
         MNOTE 8,'LINEDIT SUB= IS NOT OFFERED BY THIS CMSLIB'
         MEXIT
.NOSUB   AIF   ('&TEXT' NE '').TEXT
         MNOTE 8,'LINEDIT NEEDS TEXT='
         MEXIT
.TEXT    ANOP
&OPT     SETA  1
         AIF   ('&DISP' EQ 'TYPE').DOT
&OPT     SETA  0
         AIF   ('&DISP' EQ 'ERRMSG').DOT
&OPT     SETA  2
         AIF   ('&DISP' EQ 'SIO').DOT
&OPT     SETA  3
         AIF   ('&DISP' EQ 'NONE').DOT
&OPT     SETA  4
         AIF   ('&DISP' EQ 'PRINT').DOT
&OPT     SETA  5
         AIF   ('&DISP' EQ 'CPCOMM').DOT
         MNOTE 8,'INVALID DISP=&DISP'
         MEXIT
.DOT     AIF   ('&DOT' NE 'YES').COMP
&OPT     SETA  &OPT+64
.COMP    AIF   ('&COMP' NE 'YES').GEN
&OPT     SETA  &OPT+128
.GEN     ANOP
&L       LA    1,LEP&SYSNDX
         SVC   203
         DC    H'12'
         B     LEE&SYSNDX
LEP&SYSNDX DC  X'80',AL1(&OPT),AL2(LEL&SYSNDX),A(LET&SYSNDX),XL12'00'
LET&SYSNDX DC  C&TEXT
LEL&SYSNDX EQU *-LET&SYSNDX
LEE&SYSNDX DS  0H
         MEND
"""

_REGEQU = """\
         MACRO
         REGEQU
         LCLA  &I
.LOOP    AIF   (&I GT 15).END
R&I      EQU   &I
&I       SETA  &I+1
         AGO   .LOOP
.END     MEND
"""

_SAVE = """\
         MACRO
&L       SAVE  &REGS,&T,&ID
         AIF   ('&REGS' NE '').OK
         MNOTE 8,'SAVE NEEDS THE REGISTERS, AS (14,12)'
         MEXIT
.OK      ANOP
&L       STM   &REGS(1),&REGS(2),12+4*((&REGS(1)+2)-((&REGS(1)+2)/16)*16)(13)
         MEND
"""

_RETURN = """\
         MACRO
&L       RETURN &REGS,&T,&RC=
         AIF   ('&RC' EQ '(15)').KEEP
&L       LM    14,12,12(13)
         AIF   ('&RC' EQ '').BR
         LA    15,&RC
.BR      BR    14
         MEXIT
.KEEP    ANOP
&L       L     14,12(,13)
         LM    0,12,20(13)
         BR    14
         MEND
"""

CMSLIB: dict[str, str] = {
    "WRTERM": _WRTERM, "TYPLIN": _TYPLIN, "RDTERM": _RDTERM, "FSCB": _FSCB,
    "FSFUNC": _FSFUNCTION, "FSREAD": _function("FSREAD", "RDBUF"),
    "FSWRITE": _function("FSWRITE", "WRBUF"), "FSCLOSE": _function("FSCLOSE", "FINIS"),
    "FSSTATE": _function("FSSTATE", "STATE"), "FSOPEN": _function("FSOPEN", "STATE"),
    "FSERASE": _function("FSERASE", "ERASE"), "LINEDIT": _LINEDIT, "REGEQU": _REGEQU,
    "SAVE": _SAVE, "RETURN": _RETURN,
}  # fmt: skip


def _records(line: str) -> list[str]:
    """A statement as 80-column records: split after a comma, X in column 72,
    the rest from column 16."""
    records = []
    while len(line) > 71:
        cut = line.rindex(",", 16, 71) + 1
        records.append(line[:cut].ljust(71) + "X")
        line = " " * 15 + line[cut:]
    return [*records, line]


def cmslib_member(name: str) -> list[str] | None:
    """The source records of a CMSLIB macro, or None."""
    text = CMSLIB.get(name)
    if text is None:
        return None
    return [record for line in text.splitlines() for record in _records(line)]
